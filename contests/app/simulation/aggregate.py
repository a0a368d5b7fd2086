"""Rating what was played: placements among the humans, per-contest performances, and the aggregate
rating with its bootstrap interval.

Contests without rated human standings are rated with the `difficulty` estimator from their
problems' difficulty ratings; if any selected contest lacks standings the whole aggregate is, and
the results say so. With random orders the rating is the mean over the orders, its interval a
bootstrap pooled over orders, contests and problems, and the spread over orders is reported.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from contests.app.simulation.options import SimulateOptions
from contests.app.simulation.play import ContestRun, Played
from contests.rules import total
from elo import estimators as est
from elo.placement import Placement, place
from elo.uncertainty import Spread, interval, spread


@dataclass(frozen=True)
class Rated:
    """Everything the outputs need from the rating step."""

    estimator: est.EstimatorName  # the one that produced `rating`
    use_difficulty: bool
    rating_note: str
    placements: list[list[Placement | None]]  # [order][contest]
    contest_values: list[list[float]]  # [contest][order]: per-contest performance
    rating: float | None
    ci: tuple[float | None, float | None]
    standard_error: float | None
    note: str
    order_spread: Spread | None


def rate(runs: list[ContestRun], played: list[list[list[Played]]], options: SimulateOptions) -> Rated:
    """Place every order of every contest, then rate: per contest, and the aggregate with its interval."""
    n_orders = len(played[0])
    use_difficulty = options.estimator == "difficulty" or any(run.field is None for run in runs)
    rating_note = ""
    if use_difficulty and options.estimator != "difficulty":
        missing = [run.contest.id for run in runs if run.field is None]
        rating_note = (
            f"no rated human standings for {', '.join(missing)}: rated with the difficulty estimator "
            "from the problems' difficulty ratings instead of " + options.estimator
        )
    name: est.EstimatorName = "difficulty" if use_difficulty else options.estimator
    placements: list[list[Placement | None]] = []
    outcomes: list[list[list[est.ProblemOutcomes]]] = []  # [order][contest][rated problem]
    for o in range(n_orders):
        rows = [total([p.score for p in played[ci][o]]) for ci in range(len(runs))]
        placements.append(
            [
                place(run.field, rows[ci].points, rows[ci].penalty) if run.field is not None else None
                for ci, run in enumerate(runs)
            ]
        )
        outcomes.append([_outcomes(run, played[ci][o]) for ci, run in enumerate(runs)])
    contest_values = [
        [
            per_contest_value(options.estimator, pl)
            if (pl := placements[o][ci]) is not None and options.estimator != "difficulty"
            else difficulty_value(outcomes[o][ci], options)
            for o in range(n_orders)
        ]
        for ci in range(len(runs))
    ]
    rating, ci_pair, se, note, order_spread = _aggregate(name, runs, played, placements, outcomes, options)
    return Rated(
        name, use_difficulty, rating_note, placements, contest_values, rating, ci_pair, se, note, order_spread
    )


def per_contest_value(name: str, placement: Placement) -> float:
    if name == "expected-rank":
        return est.contest_expected_rank(placement)
    if name == "mle":
        return est.mle_point([placement])
    return est.contest_performance(placement)


def per_contest_name(estimator: str, has_standings: bool) -> str:
    """Which estimator gives one contest's performance (replay has no per-contest value: cf-performance)."""
    if not has_standings or estimator == "difficulty":
        return "difficulty"
    return "cf-performance" if estimator == "replay" else estimator


def difficulty_value(outcomes: Sequence[est.ProblemOutcomes], options: SimulateOptions) -> float:
    rating = est.difficulty(outcomes, n_boot=10, level=options.level, seed=options.seed).rating
    return math.inf if rating is None else rating


def _outcomes(run: ContestRun, played: list[Played]) -> list[est.ProblemOutcomes]:
    """One entry per rated problem, so that the difficulty estimator's bootstrap resamples problems
    (a single contest would otherwise give a zero-width interval)."""
    return [
        est.ProblemOutcomes(np.array([ctx.problem.rating], float), np.array([p.score.solved], bool))
        for ctx, p in zip(run.problems, played, strict=True)
        if ctx.problem.rating is not None
    ]


def finite_or_none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def spread_over_orders(values: Sequence[float], name: str) -> Spread | None:
    if len(values) < 2 or not any(math.isfinite(v) for v in values):
        return None
    return spread(values, name)


def _aggregate(
    name: est.EstimatorName,
    runs: list[ContestRun],
    played: list[list[list[Played]]],
    placements: list[list[Placement | None]],
    outcomes: list[list[list[est.ProblemOutcomes]]],
    options: SimulateOptions,
) -> tuple[float | None, tuple[float | None, float | None], float | None, str, Spread | None]:
    """(rating, interval, standard error, estimator note, spread over orders).

    The rating is the estimator's (the mean over orders for random-orders). The interval is a
    percentile bootstrap that resamples the submission order, the contests, and the problems within
    each contest (so that a single contest still has an honest interval: resampling contests alone
    cannot vary it); for `difficulty` it resamples orders and rated problems.
    """
    n_orders = len(placements)
    units = [[u for c in outcomes[o] for u in c] for o in range(n_orders)]
    se: float | None = None
    if n_orders == 1:
        rating, se, note = _single_order(name, units[0], placements[0], options)
        per_order: list[float] = [math.inf if rating is None else rating]
    else:
        if name == "difficulty":
            per_order = [difficulty_value(units[o], options) for o in range(n_orders)]
        else:
            per_order = [
                est.point_estimate(
                    name, [p for p in placements[o] if p is not None], new_account=options.new_account
                )
                for o in range(n_orders)
            ]
        finite = [v for v in per_order if math.isfinite(v)]
        rating = statistics.fmean(finite) if finite else None
        note = f"{name}: mean over {n_orders} random submission orders"
    if name == "difficulty":
        boot, what = _bootstrap_difficulty(units, options), "problems"
    else:
        boot, what = (
            _bootstrap_standings(name, runs, played, options),
            "contests and problems within each contest",
        )
    lo, hi = interval(boot, options.level) if boot else (math.nan, math.nan)
    note += f"; {options.level:.0%} interval: bootstrap over {'orders, ' if n_orders > 1 else ''}{what}"
    spread_out = spread_over_orders(per_order, name) if n_orders > 1 else None
    return rating, (finite_or_none(lo), finite_or_none(hi)), se, note, spread_out


def _single_order(
    name: est.EstimatorName,
    units: list[est.ProblemOutcomes],
    placements: list[Placement | None],
    options: SimulateOptions,
) -> tuple[float | None, float | None, str]:
    """(rating, standard error, note) of the one order: the estimator's own."""
    if name == "difficulty":
        e = est.difficulty(units, n_boot=10, level=options.level, seed=options.seed)
    else:
        pls = [p for p in placements if p is not None]
        e = est.estimate(
            name, pls, new_account=options.new_account, n_boot=10, level=options.level, seed=options.seed
        )
    note = e.note.split("; interval")[0]
    if e.n_unbounded:
        note += f"; {e.n_unbounded} contest(s) won outright left out"
    return e.rating, e.standard_error, note


def _bootstrap_difficulty(units: list[list[est.ProblemOutcomes]], options: SimulateOptions) -> list[float]:
    rng = np.random.default_rng(options.seed)
    n_orders, n_units = len(units), len(units[0])
    boot = []
    for _ in range(min(options.n_boot, 400)):  # each draw is a MAP fit over the whole grid
        o = int(rng.integers(n_orders))
        boot.append(
            difficulty_value([units[o][int(i)] for i in rng.integers(n_units, size=n_units)], options)
        )
    return boot


def _bootstrap_standings(
    name: est.EstimatorName,
    runs: list[ContestRun],
    played: list[list[list[Played]]],
    options: SimulateOptions,
) -> list[float]:
    rng = np.random.default_rng(options.seed)
    n_orders, n_contests = len(played[0]), len(runs)
    boot = []
    for _ in range(options.n_boot):
        o = int(rng.integers(n_orders))
        draw = []
        for ci in sorted(int(i) for i in rng.integers(n_contests, size=n_contests)):
            field = runs[ci].field
            if field is None:
                continue
            scores = [p.score for p in played[ci][o]]
            pick: list[int] = [int(j) for j in rng.integers(len(scores), size=len(scores))] if scores else []
            points = sum(scores[j].points for j in pick)
            penalty = sum(scores[j].penalty for j in pick)
            draw.append(place(field, points, penalty))
        if draw:
            boot.append(est.point_estimate(name, draw, new_account=options.new_account))
    return boot
