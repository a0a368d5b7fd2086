"""Five published ways to turn a model's results into a rating; every result names its estimator.

    cf-performance  Codeforces' performance: per contest, the smallest old rating whose delta at the
                    model's place would be <= 0, the humans' corrections included; mean over contests.
    expected-rank   CodeElo (QwenLM/CodeElo calc_rating.py): per contest, the largest integer R in
                    [0, highest old rating + 100) whose expected place 1 + sum_j P(j beats R) is at
                    least the number of humans not behind the model (ahead or tied), 0 when none is;
                    mean over every contest. Bounded by construction: an outright win gives the top of
                    that interval, a last place its bottom. Sits about 4 x |inc1 + inc2| above
                    cf-performance, since the update there still gives trunc(0) + inc1 + inc2 < 0.
    mle             OpenAI: the rating maximising the likelihood of every placement in every contest
                    at once, each human beaten, tied (half) or lost to under the Elo probability; its
                    standard error is clustered by contest (one placement decides every pairwise outcome
                    of that contest, so the naive Fisher information would overstate the evidence).
    replay          AlphaCode: the real update applied contest after contest from a starting rating
                    (1500, or the May-2020 new-account rules: internal 1400, shown 0 plus boosts).
    difficulty      LiveCodeBench Pro: for problems without human standings, the maximum-a-posteriori
                    rating from solved/failed problems of Codeforces difficulty d, each solved with
                    probability 1 / (1 + 10^((d - R)/400)), under a normal prior (named in the output).

Every estimate carries a bootstrap interval over contests. Under cf-performance a model that wins a
contest outright has an unbounded performance there: such contests are counted in `n_unbounded` and
left out of the means; a rating below the grid (last behind every human) is clamped to its bottom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from elo.accounts import NEW_ACCOUNT_INTERNAL_RATING, NEW_ACCOUNT_RATING_BEFORE_2020, display_offset
from elo.codeforces import (
    GRID,
    RATING_HI,
    RATING_LO,
    FloatArray,
    SeedTable,
    deltas_at,
    field_sum,
    win_probability,
)
from elo.errors import EstimatorError
from elo.placement import Placement, model_performance
from elo.uncertainty import (
    DEFAULT_BOOTSTRAP,
    DEFAULT_LEVEL,
    Spread,
    bootstrap_sequences,
    bootstrap_weights,
    interval,
    spread,
)

EstimatorName = Literal["cf-performance", "expected-rank", "mle", "replay", "difficulty"]
DEFAULT_ESTIMATOR: EstimatorName = "mle"  # least biased and best covered (MEASURED_BIAS, bench)

# bench/elo_calibration.py (50 Elo-model contests of 1000 synthetic humans, 20 runs per rating):
# mean(estimate - true rating) at true ratings 800, 1200, 1600, 2000, 2400. The 95% intervals of mle
# covered the true rating in 85% of runs from 5 contests (cf-performance 67%, replay 45%); from one
# contest no estimator's interval (a bootstrap over contests) covers it.
BIAS_RATINGS = (800, 1200, 1600, 2000, 2400)
MEASURED_BIAS: dict[str, tuple[float, ...]] = {
    "cf-performance": (-141.1, -95.0, -38.7, -27.3, 6.7),
    "expected-rank": (-77.3, -33.9, 25.7, 35.6, 75.5),  # CodeElo's rule (c35063d)
    "mle": (-5.5, -12.3, 7.6, -9.3, 0.8),
    "replay": (-85.0, -79.5, -35.0, -18.4, 21.8),
    "difficulty": (-27.3, 8.6, 3.8, -17.5, 4.6),
}


def measured_bias(name: str, rating: float | None) -> float | None:
    """The estimator's measured bias at `rating` (linear between the measured ratings, flat beyond)."""
    if rating is None or name not in MEASURED_BIAS or not math.isfinite(rating):
        return None
    return round(float(np.interp(rating, BIAS_RATINGS, MEASURED_BIAS[name])), 1)


ESTIMATORS: tuple[EstimatorName, ...] = ("cf-performance", "expected-rank", "mle", "replay", "difficulty")
PLACEMENT_ESTIMATORS: tuple[EstimatorName, ...] = ("cf-performance", "expected-rank", "mle", "replay")
LOG_SLOPE = math.log(10) / 400  # d/dR of the Elo log-odds
GRID_RATINGS = np.arange(RATING_LO, RATING_HI, dtype=float)
DEFAULT_PRIOR_MEAN = 1500.0
DEFAULT_PRIOR_SD = 1000.0


class Estimate(BaseModel):
    """One estimator's rating of a model, with its interval; `rating` is None when unbounded."""

    estimator: EstimatorName
    rating: float | None
    standard_error: float | None = None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    n_contests: int
    n_unbounded: int = 0
    note: str = ""


class ProblemOutcomes(NamedTuple):
    """One contest's problems for the difficulty estimator: Codeforces difficulty and solved or not."""

    difficulty: FloatArray
    solved: npt.NDArray[np.bool_]


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def crossing(curves: npt.ArrayLike) -> FloatArray:
    """Per row, the real rating where a decreasing curve over the grid crosses zero.

    +inf when it stays positive (unbounded above); RATING_LO when it starts below zero.
    """
    c = np.atleast_2d(np.asarray(curves, float))
    below = c < 0
    i = np.clip(below.argmax(axis=1), 1, GRID - 1)
    rows = np.arange(len(c))
    y0, y1 = c[rows, i - 1], c[rows, i]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = RATING_LO + (i - 1) + y0 / (y0 - y1)
    out = np.where(below.any(axis=1), out, np.inf)
    return np.asarray(np.where(below[:, 0], float(RATING_LO), out))


def _require(placements: Sequence[object], name: str) -> None:
    if len(placements) == 0:
        raise EstimatorError(f"{name}: no contests to estimate from")


def _mean_estimate(
    name: EstimatorName, values: FloatArray, n_boot: int, level: float, seed: int, note: str
) -> Estimate:
    """Mean of the bounded per-contest values, with a bootstrap interval over contests."""
    finite = np.isfinite(values)
    unbounded = int((~finite).sum())
    if not finite.any():
        return Estimate(
            estimator=name,
            rating=None,
            ci_low=None,
            ci_high=None,
            ci_level=level,
            n_contests=len(values),
            n_unbounded=unbounded,
            note=note,
        )
    weights = bootstrap_weights(len(values), n_boot, seed) * finite
    counts = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (weights @ np.where(finite, values, 0.0)) / counts
    lo, hi = interval(np.where(counts > 0, boot, np.nan), level)
    return Estimate(
        estimator=name,
        rating=float(values[finite].mean()),
        ci_low=_finite(lo),
        ci_high=_finite(hi),
        ci_level=level,
        n_contests=len(values),
        n_unbounded=unbounded,
        note=note,
    )


def contest_performance(placement: Placement) -> float:
    """cf-performance of one contest (+inf for an outright win)."""
    return model_performance(placement)


# CodeElo searches [0, highest old rating + CODEELO_HEADROOM): a first place gets its top, not infinity.
CODEELO_HEADROOM = 100
# The FFT seeds carry ~1e-12 of noise: an exact seed of 1 + 0 (nobody ahead at a huge rating) must still
# count as reaching a target of 1, or a first place would land wherever the noise dips (7973 once).
SEED_TOLERANCE = 1e-9


def contest_expected_rank(placement: Placement) -> float:
    """CodeElo's rating of one contest: the largest integer R in [1, top) with expected place
    1 + sum_j P(j beats R) >= the humans not behind the model (ahead or tied), else 0; `top` is the
    highest old rating + 100 (within the grid). Finite and non-increasing in the model's place."""
    ratings = placement.field.ratings
    top = min((int(ratings.max()) if ratings.size else 0) + CODEELO_HEADROOM, RATING_HI)
    target = placement.better + placement.tied
    seed = placement.field.table.seed[1 - RATING_LO : top - RATING_LO]  # R = 1 .. top - 1
    reached = np.flatnonzero(seed >= target - SEED_TOLERANCE)
    return float(reached[-1] + 1) if reached.size else 0.0


def cf_performance(
    placements: Sequence[Placement],
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    _require(placements, "cf-performance")
    values = np.array([contest_performance(p) for p in placements])
    return _mean_estimate("cf-performance", values, n_boot, level, seed, "mean of per-contest performances")


def expected_rank(
    placements: Sequence[Placement],
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    _require(placements, "expected-rank")
    values = np.array([contest_expected_rank(p) for p in placements])
    return _mean_estimate(
        "expected-rank",
        values,
        n_boot,
        level,
        seed,
        "CodeElo: per contest the largest R < top rating + 100 with expected place >= humans not behind",
    )


def _mle_curves(placements: Sequence[Placement]) -> FloatArray:
    """Per contest, the score (observed minus expected humans beaten): seed(R) - 1 - better - tied/2."""
    return np.stack([p.field.table.seed - 1.0 - p.better - p.tied / 2 for p in placements])


def _fisher_information(placements: Sequence[Placement]) -> FloatArray:
    """Sum over contests and humans of (ln10/400)^2 P(1-P), over the grid."""
    win = placements[0].field.table.win
    kernel = win * (1.0 - win)
    return LOG_SLOPE**2 * sum((field_sum(p.field.ratings, kernel) for p in placements), np.zeros(GRID))


def mle_point(placements: Sequence[Placement]) -> float:
    return float(crossing(_mle_curves(placements).sum(axis=0))[0])


def mle(
    placements: Sequence[Placement],
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    _require(placements, "mle")
    curves = _mle_curves(placements)
    rating = float(crossing(curves.sum(axis=0))[0])
    boot = crossing(bootstrap_weights(len(placements), n_boot, seed) @ curves)
    lo, hi = interval(boot, level)
    se = None
    if math.isfinite(rating) and len(placements) > 1:
        # One placement decides all its pairwise outcomes at once, so they are not independent: the
        # cluster-robust (sandwich) variance over contests replaces the naive inverse Fisher information.
        scores = LOG_SLOPE * np.array([np.interp(rating, GRID_RATINGS, c) for c in curves])
        info = float(np.interp(rating, GRID_RATINGS, _fisher_information(placements)))
        n = len(placements)
        se = float(math.sqrt(n / (n - 1) * float((scores**2).sum())) / info)
    return Estimate(
        estimator="mle",
        rating=_finite(rating),
        standard_error=se,
        ci_low=_finite(lo),
        ci_high=_finite(hi),
        ci_level=level,
        n_contests=len(placements),
        n_unbounded=0 if math.isfinite(rating) else len(placements),
        note="pairwise Elo likelihood over all contests at once; ties count half; SE clustered by contest",
    )


def _replay_many(
    placements: Sequence[Placement], sequences: npt.NDArray[np.int64], start: int, new_account: bool
) -> FloatArray:
    """Final shown rating of each row's contest sequence, all rows updated together."""
    stacked = SeedTable(np.stack([p.field.table.seed for p in placements]), placements[0].field.table.win)
    rank = np.array([p.rank for p in placements], np.int64)
    correction = np.array([p.field.correction for p in placements], np.int64)
    x = np.full(len(sequences), NEW_ACCOUNT_INTERNAL_RATING if new_account else start, np.int64)
    for step in range(sequences.shape[1]):
        c = sequences[:, step]
        x = x + deltas_at(stacked, rank[c], x, None, row=c) + correction[c]
        # A model beyond every human for dozens of contests could walk off the grid; it stops at its edge.
        x = np.clip(x, RATING_LO, RATING_HI - 1)
    shown = x - display_offset(sequences.shape[1]) if new_account else x
    return shown.astype(float)


def replay_trajectory(
    placements: Sequence[Placement], *, start: int = NEW_ACCOUNT_RATING_BEFORE_2020, new_account: bool = False
) -> list[int]:
    """The shown rating after each contest, in the given (chronological) order."""
    _require(placements, "replay")
    return [
        int(_replay_many(placements[: t + 1], np.arange(t + 1)[None, :], start, new_account)[0])
        for t in range(len(placements))
    ]


def replay(
    placements: Sequence[Placement],
    *,
    start: int = NEW_ACCOUNT_RATING_BEFORE_2020,
    new_account: bool = False,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    _require(placements, "replay")
    order = np.arange(len(placements))[None, :]
    rating = float(_replay_many(placements, order, start, new_account)[0])
    lo, hi = interval(
        _replay_many(placements, bootstrap_sequences(len(placements), n_boot, seed), start, new_account),
        level,
    )
    rules = "new-account rules (internal 1400, shown 0 + boosts)" if new_account else f"start {start}"
    return Estimate(
        estimator="replay",
        rating=rating,
        ci_low=lo,
        ci_high=hi,
        ci_level=level,
        n_contests=len(placements),
        note=f"Codeforces update applied contest after contest, {rules}; interval over resampled contests",
    )


def _difficulty_curves(outcomes: Sequence[ProblemOutcomes]) -> FloatArray:
    """Per contest, d/dR of the log-likelihood of its solved/failed problems over the grid."""
    rows = []
    for o in outcomes:
        d = np.asarray(o.difficulty, float)
        s = np.asarray(o.solved, float)
        if d.shape != s.shape or d.ndim != 1:
            raise EstimatorError(f"difficulty: {d.shape} difficulties but {s.shape} solved flags")
        p = win_probability(GRID_RATINGS[:, None], d[None, :])
        rows.append(LOG_SLOPE * (s[None, :] - p).sum(axis=1))
    return np.stack(rows)


def difficulty(
    outcomes: Sequence[ProblemOutcomes],
    *,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    prior_sd: float = DEFAULT_PRIOR_SD,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    _require(outcomes, "difficulty")
    if not prior_sd > 0:
        raise EstimatorError(f"difficulty: prior_sd {prior_sd} must be positive")
    curves = _difficulty_curves(outcomes)
    prior = (GRID_RATINGS - prior_mean) / prior_sd**2
    rating = float(crossing(curves.sum(axis=0) - prior)[0])
    boot = crossing(bootstrap_weights(len(outcomes), n_boot, seed) @ curves - prior)
    lo, hi = interval(boot, level)
    d = np.concatenate([np.asarray(o.difficulty, float) for o in outcomes])
    p = win_probability(rating, d)
    se = float(1.0 / math.sqrt(LOG_SLOPE**2 * float((p * (1 - p)).sum()) + 1.0 / prior_sd**2))
    return Estimate(
        estimator="difficulty",
        rating=_finite(rating),
        standard_error=se,
        ci_low=_finite(lo),
        ci_high=_finite(hi),
        ci_level=level,
        n_contests=len(outcomes),
        note=f"MAP under a normal prior (mean {prior_mean:g}, sd {prior_sd:g}); {d.size} problems",
    )


def point_estimate(
    name: EstimatorName, placements: Sequence[Placement], *, new_account: bool = False
) -> float:
    """One placement estimator's rating without an interval (+inf when unbounded)."""
    _require(placements, name)
    if name == "cf-performance" or name == "expected-rank":
        per = contest_performance if name == "cf-performance" else contest_expected_rank
        values = np.array([per(p) for p in placements])
        finite = values[np.isfinite(values)]
        return float(finite.mean()) if finite.size else math.inf
    if name == "mle":
        return mle_point(placements)
    if name == "replay":
        order = np.arange(len(placements))[None, :]
        return float(_replay_many(placements, order, NEW_ACCOUNT_RATING_BEFORE_2020, new_account)[0])
    raise EstimatorError(
        f"estimator {name!r} does not rate placements; use one of {', '.join(PLACEMENT_ESTIMATORS)}"
    )


def order_spread(
    placements_per_order: Sequence[Sequence[Placement]], name: EstimatorName, *, new_account: bool = False
) -> Spread:
    """The distribution of `name`'s rating over random submission orders, one placement list per order."""
    if len(placements_per_order) == 0:
        raise EstimatorError(f"{name}: no submission orders given")
    return spread([point_estimate(name, p, new_account=new_account) for p in placements_per_order], name)


def estimate(
    name: EstimatorName,
    placements: Sequence[Placement],
    *,
    new_account: bool = False,
    n_boot: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> Estimate:
    """Any placement estimator by name, with its interval."""
    if name == "cf-performance":
        return cf_performance(placements, n_boot=n_boot, level=level, seed=seed)
    if name == "expected-rank":
        return expected_rank(placements, n_boot=n_boot, level=level, seed=seed)
    if name == "mle":
        return mle(placements, n_boot=n_boot, level=level, seed=seed)
    if name == "replay":
        return replay(placements, new_account=new_account, n_boot=n_boot, level=level, seed=seed)
    raise EstimatorError(
        f"estimator {name!r} does not rate placements; use one of {', '.join(PLACEMENT_ESTIMATORS)}"
    )
