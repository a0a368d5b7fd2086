"""Calibration table: does each estimator recover a known rating R0 from Elo-model contests?

For R0 in 800..2400: 50 simulated contests against fields of 2000 synthetic humans (ratings ~
N(1500, 450)), results drawn exactly from the Elo model (Gumbel performances); repeated 40 times.
Prints each estimator's bias (mean of estimate - R0) and, in brackets, the sd of one 50-contest
estimate, plus the humans' mean correction inc1 + inc2 per contest.

    .venv/bin/python bench/elo_calibration.py [--replications N]
"""

from __future__ import annotations

import argparse
import time

from elo.calibration import CALIBRATION_RATINGS, calibrate
from elo.estimators import ESTIMATORS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=40)
    parser.add_argument("--contests", type=int, default=50)
    parser.add_argument("--humans", type=int, default=2000)
    args = parser.parse_args()
    start = time.perf_counter()
    rows = calibrate(
        CALIBRATION_RATINGS, n_contests=args.contests, n_humans=args.humans, replications=args.replications
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
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
