"""Tests of Strictly Uphill: samples, already increasing, all equal, decreasing, zigzags, random and
maximal cases (seed 606)."""

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
    rng = random.Random(606)
    sample = [fmt([2, 1, 5, 11, 5, 9, 11]), fmt([5, 4, 3, 2, 1])]
    pretest = [
        fmt([1]),
        fmt([1, 1]),
        fmt([1, 2, 3, 4, 5]),
        fmt([rng.randint(1, 10) for _ in range(10)]),
        fmt([rng.randint(1, 100) for _ in range(100)]),
        fmt([7] * 1000),
        fmt([rng.randint(1, MAX_A) for _ in range(2000)]),
        fmt([rng.randint(1, MAX_A) for _ in range(MAX_N)]),
    ]
    system = [
        fmt([MAX_A, 1]),
        fmt([1, MAX_A, 2, MAX_A - 1, 3]),
        fmt(list(range(1000, 0, -1))),
        fmt([i // 2 + 1 for i in range(1000)]),
        fmt([rng.randint(1, 5) for _ in range(5000)]),
        fmt([MAX_A - i for i in range(30_000)]),
        fmt([rng.choice([1, MAX_A]) for _ in range(3000)]),
        fmt([i * 3 + rng.randint(-5, 5) + 10 for i in range(20_000)]),
        fmt([1] * MAX_N),
        fmt([(i * 7919) % 1000 + 1 for i in range(MAX_N // 2)]),
        fmt([rng.randint(1, MAX_A) for _ in range(3)]),
        fmt([2, 2, 2, 1, 1, 1, 3, 3, 3]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
