"""Tests of Deadline Rush: samples, one offer, equal deadlines, huge deadlines, best-paid-first traps,
maximal n (seed 1404)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_V = 10**9


def fmt(offers):
    return f"{len(offers)}\n" + "".join(f"{d} {p}\n" for d, p in offers)


def rand(rng, n, max_d, max_p=MAX_V):
    return [(rng.randint(1, max_d), rng.randint(1, max_p)) for _ in range(n)]


def main():
    rng = random.Random(1404)
    sample = [fmt([(2, 10), (1, 9)]), fmt([(1, 5), (1, 7), (3, 1)])]
    pretest = [
        fmt([(1, 1)]),
        fmt([(MAX_V, MAX_V)]),
        fmt([(1, 3), (1, 2), (1, 1)]),
        fmt(rand(rng, 10, 3, 20)),
        fmt(rand(rng, 200, 50, 1000)),
        fmt(rand(rng, 2000, 2000)),
        fmt([(3, 10)] * 2 + [(1, 9), (2, 8), (2, 8)]),
        fmt([(MAX_N, rng.randint(1, 1000)) for _ in range(MAX_N)]),
    ]
    system = [
        fmt([(i, MAX_V) for i in range(1, 1001)]),
        fmt([(1000, MAX_V)] * 1000),
        fmt([(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(3000)]),
        fmt(rand(rng, 5000, MAX_V)),
        fmt(rand(rng, 10_000, 100)),
        fmt([(i // 3 + 1, i % 7 + 1) for i in range(20_000)]),
        fmt([(5000, rng.randint(1, 1000)) for _ in range(20_000)]),
        fmt([(2, 10), (1, 9), (2, 9), (1, 10)]),
        fmt([(1, MAX_V)] + [(2, MAX_V - 1)] * 3),
        fmt(rand(rng, 7, 2, 10)),
        fmt([(d, 1000 - d) for d in range(1, 500)] + [(1, 999)] * 10),
        fmt(rand(rng, 10_000, 8_000)),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
