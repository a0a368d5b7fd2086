"""Tests of Above Average: samples, one day, all equal, negative non-integer means, extremes and
maximal n (seed 1101)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_A = 10**9


def fmt(a):
    return f"{len(a)}\n{' '.join(map(str, a))}\n"


def main():
    rng = random.Random(1101)
    sample = [fmt([1, 2, 3, 4]), fmt([5, 5, 5])]
    pretest = [
        fmt([-7]),
        fmt([-1, -2]),
        fmt([-3, -1, -1]),
        fmt([0, 0, 1]),
        fmt([rng.randint(-10, 10) for _ in range(20)]),
        fmt([rng.randint(-MAX_A, MAX_A) for _ in range(1000)]),
        fmt([MAX_A] * 999 + [-MAX_A]),
        fmt([rng.randint(-MAX_A, MAX_A) for _ in range(MAX_N)]),
    ]
    system = [
        fmt([-MAX_A] * 10 + [MAX_A]),
        fmt([MAX_A, -MAX_A]),
        fmt([-2, -2, -1]),
        fmt([-5, -4, -4, -4]),
        fmt([rng.randint(-3, 0) for _ in range(3000)]),
        fmt([rng.randint(-MAX_A, -MAX_A + 10) for _ in range(5000)]),
        fmt([0] * MAX_N),
        fmt([-1] * (MAX_N - 1) + [0]),
        fmt([rng.randint(0, 1) for _ in range(7777)]),
        fmt([i - 500 for i in range(1000)]),
        fmt([MAX_A - rng.randint(0, 2) for _ in range(10_000)]),
        fmt([3, -1, -1, -1, -1, -1, -1]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
