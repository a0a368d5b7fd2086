"""Tests of Rising Shelves: samples, small random, patterned and maximal cases (seed 101)."""

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
    rng = random.Random(101)
    sample = [fmt([3, 1, 2]), fmt([1, 2, 2, 5])]
    pretest = [
        fmt([7]),
        fmt([5, 4, 3, 2, 1]),
        fmt([rng.randint(1, 10) for _ in range(10)]),
        fmt([rng.randint(1, 100) for _ in range(50)]),
        fmt([MAX_A, 1]),
        fmt([rng.randint(1, MAX_A) for _ in range(1000)]),
        fmt(list(range(1, 1001))),
        fmt([MAX_A] + [1] * (MAX_N - 1)),
    ]
    system = [
        fmt([1] * 20),
        fmt([2, 1, 2, 1, 2, 1, 2, 1]),
        fmt(list(range(1000, 0, -1))),
        fmt([rng.randint(1, 5) for _ in range(2000)]),
        fmt([rng.randint(MAX_A - 100, MAX_A) for _ in range(2000)]),
        fmt(sorted(rng.randint(1, MAX_A) for _ in range(3000))),
        fmt([rng.choice([1, MAX_A]) for _ in range(5000)]),
        fmt([i % 97 + 1 for i in range(10000)]),
        fmt([rng.randint(1, MAX_A) for _ in range(20_000)]),
        fmt([2 * MAX_N - i for i in range(MAX_N)]),
        fmt([1, MAX_A, 1, 1]),
        fmt([rng.randint(1, 1000) * (1 + (i % 3 == 0)) for i in range(777)]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
