"""Calibration shown, not assumed: do the estimators recover a known rating from Elo-model contests?

Results are drawn from the Elo model exactly: every contestant's performance is its rating plus
(400 / ln 10) times a standard Gumbel variable, because the difference of two independent Gumbel
variables is logistic, so P(a ahead of b) = 1 / (1 + 10^((rb - ra) / 400)) for every pair. A field
of humans with known ratings and a contestant of true rating R0 finish in the order of their
performances; each estimator then rates the contestant from its placements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel

from elo.codeforces import win_probability
from elo.estimators import (
    PLACEMENT_ESTIMATORS,
    EstimatorName,
    ProblemOutcomes,
    difficulty,
    point_estimate,
)
from elo.placement import Field, Placement, human_field, place

GUMBEL_SCALE = 400 / math.log(10)
CALIBRATION_RATINGS = (800, 1200, 1600, 2000, 2400)


class CalibrationRow(BaseModel):
    true_rating: int
    n_contests: int
    n_humans: int
    replications: int
    bias: dict[str, float]  # estimator -> mean over replications of (estimate - true rating)
    spread: dict[str, float]  # estimator -> sd of its estimates over replications
    mean_correction: float  # mean over contests of the humans' inc1 + inc2


def synthetic_ratings(n: int, rng: np.random.Generator) -> np.ndarray:
    """A field shaped like a Div. 1 + 2 round: ratings around 1500, spread 450, within [0, 3800]."""
    return np.clip(np.rint(rng.normal(1500, 450, n)), 0, 3800).astype(np.int64)


class SimulatedContest(NamedTuple):
    """The humans of one simulated contest and the performances they drew."""

    field: Field
    human_performance: np.ndarray


def simulate_contests(n_contests: int, n_humans: int, rng: np.random.Generator) -> list[SimulatedContest]:
    """Fields of synthetic humans whose finishing order is drawn from the Elo model."""
    out = []
    for _ in range(n_contests):
        ratings = synthetic_ratings(n_humans, rng)
        performance = ratings + GUMBEL_SCALE * rng.gumbel(size=n_humans)
        # Points are the performances themselves: no ties, higher is better.
        out.append(SimulatedContest(human_field(performance, np.zeros(n_humans), ratings), performance))
    return out


def place_contestant(
    true_rating: float, contests: Sequence[SimulatedContest], rng: np.random.Generator
) -> list[Placement]:
    """A contestant of true rating R0 draws its own performance in each contest and is placed."""
    return [place(c.field, float(true_rating + GUMBEL_SCALE * rng.gumbel()), 0.0) for c in contests]


def place_best_of(
    true_rating: float, k: int, contests: Sequence[SimulatedContest], rng: np.random.Generator
) -> list[Placement]:
    """A contestant that draws k performances per contest and is placed by its best one: a perfect
    selector over k samples (the ceiling of filter-examples, cluster, majority and rerank). The maximum
    of k Gumbel draws is a Gumbel draw shifted by ln k, so its true rating is `best_of_rating`."""
    return [
        place(c.field, float(true_rating + GUMBEL_SCALE * rng.gumbel(size=k).max()), 0.0) for c in contests
    ]


def best_of_rating(true_rating: float, k: int) -> float:
    """The Elo-model rating of the best of k performances of a contestant of rating R0: R0 + 400 log10 k."""
    return true_rating + GUMBEL_SCALE * math.log(k)


def simulate_problems(
    true_rating: float, n_contests: int, per_contest: int, rng: np.random.Generator
) -> list[ProblemOutcomes]:
    """Problems of difficulty 800..3500 (step 100, as Codeforces rates them), solved per the Elo model."""
    out = []
    for _ in range(n_contests):
        d = rng.choice(np.arange(800, 3600, 100), size=per_contest).astype(float)
        solved = rng.random(per_contest) < win_probability(true_rating, d)
        out.append(ProblemOutcomes(d, solved))
    return out


def calibrate(
    true_ratings: Sequence[int] = CALIBRATION_RATINGS,
    *,
    n_contests: int = 50,
    n_humans: int = 2000,
    replications: int = 40,
    pool: int = 100,
    problems_per_contest: int = 6,
    seed: int = 0,
) -> list[CalibrationRow]:
    """Every estimator's bias (mean over replications of estimate - R0) from n_contests contests each.

    Each replication places the contestant in `n_contests` contests drawn from a pool of simulated
    fields (rating humans is the slow part, so fields are shared; the contestant's draws are not).
    """
    rng = np.random.default_rng(seed)
    fields = simulate_contests(max(pool, n_contests), n_humans, rng)
    names: list[EstimatorName] = list(PLACEMENT_ESTIMATORS)
    rows = []
    for r0 in true_ratings:
        runs: dict[str, list[float]] = {name: [] for name in [*names, "difficulty"]}
        corrections = []
        for _ in range(replications):
            chosen = [fields[i] for i in rng.choice(len(fields), n_contests, replace=False)]
            placements = place_contestant(r0, chosen, rng)
            corrections += [p.field.correction for p in placements]
            for name in names:
                runs[name].append(point_estimate(name, placements))
            est = difficulty(simulate_problems(r0, n_contests, problems_per_contest, rng), n_boot=1)
            runs["difficulty"].append(est.rating if est.rating is not None else math.inf)
        rows.append(
            CalibrationRow(
                true_rating=r0,
                n_contests=n_contests,
                n_humans=n_humans,
                replications=replications,
                bias={k: float(np.mean(v)) - r0 for k, v in runs.items()},
                spread={k: float(np.std(v, ddof=1)) if len(v) > 1 else 0.0 for k, v in runs.items()},
                mean_correction=float(np.mean(corrections)),
            )
        )
    return rows
