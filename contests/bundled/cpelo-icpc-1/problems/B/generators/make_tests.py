"""Tests of Bracket Repair: samples, single brackets, balanced, reversed, deep nesting and random
maximal strings (seed 1202)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 2 * 10**5


def rand(rng, n, open_share=0.5):
    return "".join("(" if rng.random() < open_share else ")" for _ in range(n))


def main():
    rng = random.Random(1202)
    half = MAX_N // 2
    cases = {
        "sample": ["())(", "(()())"],
        "pretest": [
            "(",
            ")",
            ")(",
            "()" * 10,
            rand(rng, 20),
            rand(rng, 1000),
            "(" * 500 + ")" * 499,
            "(" * half + ")" * half,
        ],
        "system": [
            ")" * 1000,
            "(" * 1000,
            ")" * half + "(" * half,
            "(()" * 3000,
            "())" * 3000,
            rand(rng, MAX_N),
            rand(rng, MAX_N, 0.55),
            rand(rng, 5000, 0.45),
            "((" + ")" * 10 + "((",
            "(" * (half - 1) + ")" * (half + 1),
            "()" * half,
            rand(rng, 7),
        ],
    }
    groups = {g: [s + "\n" for s in strings] for g, strings in cases.items()}
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, groups)
    print(f"wrote {count} tests to {out}")


main()
