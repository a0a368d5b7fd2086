"""Tests of Mountain Peak: summits at both ends and in the middle, Fibonacci lengths, equal altitudes
on the two slopes, maximal n (seed 404). The answer file holds the summit index."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_A = 10**9


def mountain(rng, n, p, top=None):
    """Random strictly rising altitudes up to checkpoint p, strictly falling after it."""
    top = top if top is not None else rng.randint(2 * n + 10, 20 * n + 10)
    left = sorted(rng.sample(range(1, top), p - 1)) + [top]
    right = sorted(rng.sample(range(1, top), n - p), reverse=True)
    return left + right


def tight(n, p):
    """Consecutive altitudes on both slopes, so the slopes share values (ties across the summit)."""
    return list(range(n - p + 1, n + 1)) + list(range(n - 1, p - 1, -1))


def main():
    rng = random.Random(404)
    cases = {
        "sample": [[1, 5, 9, 4, 2], [7]],
        "pretest": [
            [1, 2],
            [2, 1],
            mountain(rng, 3, 3),
            mountain(rng, 8, 8),
            mountain(rng, 100, 37),
            tight(1000, 500),
            mountain(rng, 40_000, 1),
            mountain(rng, MAX_N, rng.randint(1, MAX_N), top=MAX_A),
        ],
        "system": [
            mountain(rng, 8, 1),
            mountain(rng, 13, 13),
            mountain(rng, 89, 88),
            tight(2584, 2584),
            tight(4181, 1),
            mountain(rng, 10_000, 9_999),
            mountain(rng, 46_368, 46_368),
            mountain(rng, 75_025, 75_025),
            mountain(rng, 28_657, 2),
            tight(60_000, 37_082),
            mountain(rng, 32_769, 16_385),
            mountain(rng, 777, 400, top=800),
        ],
    }
    groups = {g: [f"{len(a)}\n{' '.join(map(str, a))}\n" for a in arrays] for g, arrays in cases.items()}
    answers = {g: [f"{a.index(max(a)) + 1}\n" for a in arrays] for g, arrays in cases.items()}
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, groups, answers)
    print(f"wrote {count} tests to {out}")


main()
