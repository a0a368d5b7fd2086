"""The test-time-compute curve (`--curve`): the rating at k = 1, 2, 4, ..., K samples per problem, from
the same generated and judged samples, at two attempt budgets (one submission, and up to k).

A point is unbiased for "a run that had generated only k samples": per problem, `subsets` random
k-subsets of the K samples are drawn (the same k for every problem, independently per problem), each
subset is played under the selection (cluster and majority re-rank the subset from the candidates'
behaviours; rerank keeps the scorer's order; random-orders plays the subset in its drawn order), and
the rating is the mean over the subsets, its interval the bootstrap pooled over subsets, contests and
problems (aggregate.py, as for random orders). At k = K there is one subset, the run itself (for
random-orders, `subsets` random orders of it).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from contests.app.simulation.aggregate import rate
from contests.app.simulation.options import SimulateOptions
from contests.app.simulation.play import ContestRun, Played, ProblemContext, play_problem
from contests.app.simulation.results import CurvePoint
from contests.app.simulation.selection import by_behaviour

CURVE_BOOT = 200  # bootstrap draws per point: the curve has many points, each pooled over subsets


def sample_counts(k_max: int) -> list[int]:
    """1, 2, 4, ... up to K, and K itself."""
    ks = [1 << i for i in range(k_max.bit_length()) if 1 << i <= k_max]
    return ks if ks[-1] == k_max else [*ks, k_max]


def _subset(ctx: ProblemContext, k: int, draw: int, seed: int, contest: str) -> list[int]:
    """Sample numbers of one random k-subset, in the drawn (random) order."""
    numbers = [s.sample for s in ctx.samples]
    digest = hashlib.sha256(f"curve|{seed}|{contest}|{ctx.problem.index}|{k}|{draw}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    return [numbers[int(i)] for i in rng.permutation(len(numbers))[:k]]


def _order(ctx: ProblemContext, subset: list[int], options: SimulateOptions) -> list[int]:
    """Positions in ctx.samples to submit, in order, for this subset under the selection."""
    position = {s.sample: i for i, s in enumerate(ctx.samples)}
    if ctx.behaviours is not None:
        passing = [n for n in subset if n in ctx.behaviours]
        n_inputs = len(next(iter(ctx.behaviours.values()), ()))
        ranked = by_behaviour(options.select, passing, ctx.behaviours, n_inputs).samples
    elif ctx.ranking is not None:
        chosen = set(subset)
        ranked = [n for n in ctx.ranking if n in chosen]
    elif options.policy == "random-orders":
        ranked = subset
    else:
        ranked = sorted(subset)
    return [position[n] for n in ranked]


def curve(runs: list[ContestRun], options: SimulateOptions, subsets: int = 20) -> list[CurvePoint]:
    points = []
    for k in sample_counts(options.samples):
        for attempts in sorted({1, min(k, options.budget)}):
            local = options.model_copy(update={"samples": k, "attempts": attempts, "n_boot": CURVE_BOOT})
            # At k = K every subset is the run itself, except that random-orders still averages orders.
            draws = 1 if k >= options.samples and options.policy != "random-orders" else subsets
            played: list[list[list[Played]]] = [
                [
                    [
                        play_problem(
                            ctx, _order(ctx, _subset(ctx, k, d, options.seed, run.contest.id), local), local
                        )
                        for ctx in run.problems
                    ]
                    for d in range(draws)
                ]
                for run in runs
            ]
            rated = rate(runs, played, local)
            solved = any(p.score.solved for contest in played for draw in contest for p in draw)
            lo, hi = rated.ci
            rating = rated.rating if rated.rating is not None and math.isfinite(rated.rating) else None
            points.append(
                CurvePoint(
                    samples=k, attempts=attempts, select=options.select, subsets=draws,
                    below_field=not solved,
                    rating=None if rating is None else round(rating, 1),
                    ci=[None if lo is None else round(lo, 1), None if hi is None else round(hi, 1)],
                )
            )  # fmt: skip
    return points
