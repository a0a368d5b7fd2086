"""Tests of Divisible Stretches: samples, k = 1, zeros, negative sums, huge k and maximal n (seed 1303)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_A = 10**9


def fmt(k, a):
    return f"{len(a)} {k}\n{' '.join(map(str, a))}\n"


def main():
    rng = random.Random(1303)
    sample = [fmt(3, [1, -1, 3]), fmt(5, [2, 2, 2])]
    pretest = [
        fmt(1, [-5]),
        fmt(2, [-1, 3]),
        fmt(7, [0]),
        fmt(4, [rng.randint(-10, 10) for _ in range(20)]),
        fmt(3, [-1] * 30),
        fmt(10, [rng.randint(-100, 100) for _ in range(1000)]),
        fmt(MAX_A, [rng.randint(-MAX_A, MAX_A) for _ in range(3000)]),
        fmt(997, [rng.randint(-MAX_A, MAX_A) for _ in range(MAX_N)]),
    ]
    system = [
        fmt(1, [rng.randint(-5, 5) for _ in range(100)]),
        fmt(MAX_A, [MAX_A, -MAX_A, MAX_A]),
        fmt(6, [-4, 1, -3, 2]),
        fmt(2, [-1, -1, -1, -1, -1]),
        fmt(13, [rng.randint(-MAX_A, -1) for _ in range(5000)]),
        fmt(MAX_A, [0] * MAX_N),
        fmt(5, [rng.choice([-5, 5, 10, -10]) for _ in range(20_000)]),
        fmt(1_000_003, [rng.randint(-MAX_A, MAX_A) for _ in range(10_000)]),
        fmt(MAX_A - 1, [MAX_A - 1] * 2000),
        fmt(2, [rng.randint(-3, 3) for _ in range(4000)]),
        fmt(99_991, [-rng.randint(0, 10**5) for _ in range(30_000)]),
        fmt(MAX_A, [1]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
