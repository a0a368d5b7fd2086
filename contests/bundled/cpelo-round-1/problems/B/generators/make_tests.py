"""Tests of Two Keys: samples, pairs hidden among distractors, s/2 traps, no-pair maxima (seed 202)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_A = 10**9


def fmt(s, a):
    return f"{len(a)} {s}\n{' '.join(map(str, a))}\n"


def no_pair(rng, n, s):
    """n weights with no two (distinct positions) summing to s: all above s/2 except none equal s/2."""
    low = s // 2 + 1
    return [rng.randint(low, MAX_A) for _ in range(n)]


def hidden_pair(rng, n, s):
    """n weights with no pair summing to s except one planted pair at random positions."""
    a = no_pair(rng, n, s)
    i, j = rng.sample(range(n), 2)
    x = rng.randint(1, s - 1)
    a[i], a[j] = x, s - x
    return a


def main():
    rng = random.Random(202)
    sample = [fmt(10, [4, 3, 5, 7, 6]), fmt(8, [4, 1, 2, 9])]
    pretest = [
        fmt(2, [1]),
        fmt(2, [1, 1]),
        fmt(6, [3, 1, 3]),
        fmt(6, [3, 1, 2]),
        fmt(100, [rng.randint(1, 99) for _ in range(10)]),
        fmt(1000, hidden_pair(rng, 100, 1000)),
        fmt(2 * MAX_A, [MAX_A, 1, MAX_A]),
        fmt(10**9, hidden_pair(rng, 20000, 10**9)),
    ]
    system = [
        fmt(2 * MAX_A, [MAX_A] + [1] * 20),
        fmt(20, [10] + [rng.randint(11, 30) for _ in range(50)]),
        fmt(20, [rng.randint(11, 30) for _ in range(50)] + [10]),
        fmt(7, [1, 2, 3, 4, 5, 6]),
        fmt(1000, [rng.randint(1, 1000) for _ in range(1000)]),
        fmt(MAX_A, hidden_pair(rng, 5000, MAX_A)),
        fmt(12345, [12345 - i for i in range(1, 2000)]),
        fmt(2 * MAX_A - 2, no_pair(rng, MAX_N, 2 * MAX_A - 2)),
        fmt(777_777_777, [rng.randint(1, MAX_A) for _ in range(20_000)]),
        fmt(4, [2] * 1000),
        fmt(4, [2] + [5] * 1000),
        fmt(1_000_000, hidden_pair(rng, 3000, 1_000_000)),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
