"""Tests of Lucky Streaks: samples, certain and impossible shots, zeros, tiny and near-one
probabilities, long windows on maximal n (seed 303)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
ONE = 10**6


def fmt(k, q):
    return f"{len(q)} {k}\n{' '.join(map(str, q))}\n"


def near_one(rng, n, zero_share=0.0):
    return [0 if rng.random() < zero_share else rng.randint(ONE - 30, ONE) for _ in range(n)]


def main():
    rng = random.Random(303)
    sample = [fmt(1, [500000, 500000]), fmt(2, [1000000, 1000000, 0, 1000000, 1000000, 1000000])]
    pretest = [
        fmt(1, [0]),
        fmt(1, [ONE]),
        fmt(1, [123456]),
        fmt(3, [ONE] * 3),
        fmt(2, [rng.randint(0, ONE) for _ in range(10)]),
        fmt(1, [rng.choice([0, ONE, 1, ONE - 1]) for _ in range(100)]),
        fmt(5, [rng.randint(0, ONE) for _ in range(1000)]),
        fmt(50_000, near_one(rng, MAX_N)),
    ]
    system = [
        fmt(1, [rng.randint(0, ONE) for _ in range(1000)]),
        fmt(4, [1] * 10 + [ONE] * 10 + [1] * 10),
        fmt(2, [0, ONE, ONE, 0, ONE, 0, 1, 1, ONE]),
        fmt(20, [rng.randint(900_000, ONE) for _ in range(5000)]),
        fmt(100, near_one(rng, 20000, zero_share=0.001)),
        fmt(1, [rng.randint(0, ONE) for _ in range(20_000)]),
        fmt(30_000, [ONE] * 30_000),
        fmt(20_000, [ONE] * 10_000 + [0] + [ONE] * 29_999),
        fmt(7, [rng.choice([0, 3, ONE - 3, ONE]) for _ in range(3000)]),
        fmt(1000, [ONE - 1] * 5000),
        fmt(3, [rng.randint(0, 20) for _ in range(500)]),
        fmt(2, [1, 1, 1, 1]),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
