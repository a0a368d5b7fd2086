"""Tests of Calm Segments: samples, k = 0, everything calm, staircases, random walks, maximal n
(seed 505)."""

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


def walk(rng, n, step, start=MAX_A // 2):
    a = [start]
    for _ in range(n - 1):
        a.append(min(MAX_A, max(0, a[-1] + rng.randint(-step, step))))
    return a


def main():
    rng = random.Random(505)
    sample = [fmt(1, [1, 3, 2]), fmt(0, [5, 5, 5, 4])]
    pretest = [
        fmt(0, [0]),
        fmt(MAX_A, [0, MAX_A]),
        fmt(MAX_A - 1, [0, MAX_A]),
        fmt(2, [rng.randint(0, 5) for _ in range(10)]),
        fmt(10, [rng.randint(0, 30) for _ in range(200)]),
        fmt(1000, walk(rng, 5000, 100)),
        fmt(0, [7] * 1000),
        fmt(MAX_A, [rng.randint(0, MAX_A) for _ in range(MAX_N)]),
    ]
    system = [
        fmt(3, list(range(100))),
        fmt(3, list(range(100, 0, -1))),
        fmt(1, [0, 1] * 500),
        fmt(0, [0, 1] * 500),
        fmt(5, [rng.randint(0, 10) for _ in range(3000)]),
        fmt(50_000, walk(rng, 20_000, 1000)),
        fmt(0, [3] * MAX_N),
        fmt(10**6, walk(rng, 30_000, 10**5)),
        fmt(500, [i % 1000 for i in range(MAX_N // 2)]),
        fmt(10**8, [rng.randint(0, MAX_A) for _ in range(4000)]),
        fmt(999, [rng.choice([0, 1000]) for _ in range(2000)]),
        fmt(1000, [rng.choice([0, 1000]) for _ in range(2000)]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
