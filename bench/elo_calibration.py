"""Calibration table: does each estimator recover a known rating R0 from Elo-model contests, and do its
95% intervals contain R0 as often as they claim?

For R0 in 800..2400: contests against fields of synthetic humans (ratings ~ N(1500, 450)), results
drawn exactly from the Elo model (Gumbel performances).

1. Bias: 50 contests, repeated 40 times. Prints each estimator's bias (mean of estimate - R0) and, in
   brackets, the sd of one 50-contest estimate, plus the humans' mean correction inc1 + inc2 per contest.
2. Coverage: the share of 95% intervals (each estimator's own: bootstrap over contests, or for
   `difficulty` over problems) that contain R0, from 1, 5 and 50 contests, over `--coverage-runs`
   runs per R0 (all R0 pooled, and the worst R0). A calibrated interval covers 95%.
3. Coverage per selection, for the placement estimators: `generation-order` (the first of K samples
   is the one placed; `random-orders` places a random one, the same in distribution) and `best-of-K`,
   a perfect selector placed by the best of K performances (the ceiling of filter-examples, cluster,
   majority and rerank), whose true rating is exactly R0 + 400 log10 K (the maximum of K Gumbel draws
   is a Gumbel draw shifted by ln K); the share of intervals containing that rating. The problem-level
   selections themselves (which program passes which test) are not modelled here.

    .venv/bin/python bench/elo_calibration.py [--replications N] [--coverage-runs N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from elo.calibration import (
    CALIBRATION_RATINGS,
    best_of_rating,
    calibrate,
    place_best_of,
    place_contestant,
    simulate_contests,
    simulate_problems,
)
from elo.estimators import ESTIMATORS, PLACEMENT_ESTIMATORS, difficulty, estimate

COVERAGE_CONTESTS = (1, 5, 50)


def coverage(
    n_contests: int, runs: int, n_humans: int, n_boot: int, seed: int = 1
) -> dict[str, dict[int, float]]:
    """estimator -> R0 -> share of `runs` 95% intervals from `n_contests` contests that contain R0."""
    rng = np.random.default_rng(seed)
    fields = simulate_contests(max(60, n_contests), n_humans, rng)
    out: dict[str, dict[int, float]] = {name: {} for name in ESTIMATORS}
    for r0 in CALIBRATION_RATINGS:
        hits: dict[str, int] = dict.fromkeys(ESTIMATORS, 0)
        for run in range(runs):
            chosen = [fields[i] for i in rng.choice(len(fields), n_contests, replace=False)]
            placements = place_contestant(r0, chosen, rng)
            for name in PLACEMENT_ESTIMATORS:
                e = estimate(name, placements, n_boot=n_boot, seed=run)
                hits[name] += _covers(e.ci_low, e.ci_high, r0)
            d = difficulty(simulate_problems(r0, n_contests, 6, rng), n_boot=n_boot, seed=run)
            hits["difficulty"] += _covers(d.ci_low, d.ci_high, r0)
        for name in ESTIMATORS:
            out[name][r0] = hits[name] / runs
    return out


SELECTIONS = ("generation-order", "best-of-4", "best-of-10")


def selection_coverage(
    n_contests: int, runs: int, n_humans: int, n_boot: int, seed: int = 2
) -> dict[str, dict[str, dict[int, float]]]:
    """selection -> placement estimator -> R0 -> share of 95% intervals containing the selection's true
    rating (R0 for generation-order, R0 + 400 log10 K for best-of-K)."""
    rng = np.random.default_rng(seed)
    fields = simulate_contests(max(60, n_contests), n_humans, rng)
    out: dict[str, dict[str, dict[int, float]]] = {
        s: {n: {} for n in PLACEMENT_ESTIMATORS} for s in SELECTIONS
    }
    for selection in SELECTIONS:
        k = int(selection.removeprefix("best-of-")) if selection.startswith("best-of-") else 1
        for r0 in CALIBRATION_RATINGS:
            truth = best_of_rating(r0, k)
            hits = dict.fromkeys(PLACEMENT_ESTIMATORS, 0)
            for run in range(runs):
                chosen = [fields[i] for i in rng.choice(len(fields), n_contests, replace=False)]
                placements = place_best_of(r0, k, chosen, rng)
                for name in PLACEMENT_ESTIMATORS:
                    e = estimate(name, placements, n_boot=n_boot, seed=run)
                    hits[name] += _covers(e.ci_low, e.ci_high, truth)
            for name in PLACEMENT_ESTIMATORS:
                out[selection][name][r0] = hits[name] / runs
    return out


def _covers(low: float | None, high: float | None, r0: float) -> bool:
    return (low is None or low <= r0) and (high is None or r0 <= high)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=40)
    parser.add_argument("--contests", type=int, default=50)
    parser.add_argument("--humans", type=int, default=2000)
    parser.add_argument("--coverage-runs", type=int, default=40)
    parser.add_argument("--coverage-boot", type=int, default=200)
    parser.add_argument("--skip-bias", action="store_true")
    parser.add_argument("--skip-coverage", action="store_true", help="only the per-selection coverage")
    args = parser.parse_args()
    start = time.perf_counter()
    if not args.skip_bias:
        rows = calibrate(
            CALIBRATION_RATINGS,
            n_contests=args.contests,
            n_humans=args.humans,
            replications=args.replications,
        )
        print(
            f"bias = mean(estimate - R0) over {args.replications} runs of {args.contests} contests, "
            f"{args.humans} humans; [sd of one run]"
        )
        print(f"{'R0':>5} " + " ".join(f"{name:>20}" for name in ESTIMATORS) + f" {'inc1+inc2':>10}")
        for r in rows:
            cells = " ".join(f"{r.bias[n]:>+11.1f} [{r.spread[n]:>5.0f}] " for n in ESTIMATORS)
            print(f"{r.true_rating:>5} {cells} {r.mean_correction:>10.2f}")
        gaps = [r.bias["expected-rank"] - r.bias["cf-performance"] for r in rows]
        fours = [-4 * r.mean_correction for r in rows]
        print("expected-rank - cf-performance: " + ", ".join(f"{g:.1f}" for g in gaps))
        print("4 x |inc1 + inc2|:              " + ", ".join(f"{f:.1f}" for f in fours))
    print(
        f"\n95% interval coverage over {args.coverage_runs} runs per R0 in {list(CALIBRATION_RATINGS)} "
        f"({args.coverage_boot} bootstrap draws): pooled (worst R0)"
    )
    print(f"{'contests':>8} " + " ".join(f"{name:>16}" for name in ESTIMATORS))
    for n in COVERAGE_CONTESTS if not args.skip_coverage else ():
        cov = coverage(n, args.coverage_runs, args.humans, args.coverage_boot)
        cells = " ".join(
            f"{np.mean(list(cov[name].values())):>9.0%} ({min(cov[name].values()):>4.0%})"
            for name in ESTIMATORS
        )
        print(f"{n:>8} {cells}", flush=True)
    print(
        f"\n95% interval coverage per selection (placement estimators), {args.coverage_runs} runs per R0: "
        "pooled (worst R0)"
    )
    print(f"{'selection':>16} {'contests':>8} " + " ".join(f"{name:>16}" for name in PLACEMENT_ESTIMATORS))
    for n in COVERAGE_CONTESTS:
        per = selection_coverage(n, args.coverage_runs, args.humans, args.coverage_boot)
        for selection, cov in per.items():
            cells = " ".join(
                f"{np.mean(list(cov[name].values())):>9.0%} ({min(cov[name].values()):>4.0%})"
                for name in PLACEMENT_ESTIMATORS
            )
            print(f"{selection:>16} {n:>8} {cells}", flush=True)
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
