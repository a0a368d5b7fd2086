"""Tests of Bottleneck Sum: samples, one village, paths, stars, caterpillars, random trees with
shuffled labels, maximal n (seed 1505)."""

import random
import sys
from pathlib import Path

PROBLEM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROBLEM.parents[2]))
from testset import output_dir, write_tests  # noqa: E402

MAX_N = 10**5
MAX_W = 10**6


def fmt(n, edges):
    return f"{n}\n" + "".join(f"{u} {v} {w}\n" for u, v, w in edges)


def relabel(rng, n, edges):
    """Shuffles village labels and edge order, and flips each edge's ends at random."""
    perm = list(range(1, n + 1))
    rng.shuffle(perm)
    out = [(perm[u - 1], perm[v - 1], w) if rng.random() < 0.5 else (perm[v - 1], perm[u - 1], w) for u, v, w in edges]
    rng.shuffle(out)
    return out


def tree(rng, n, weight, shape="random"):
    edges = []
    for v in range(2, n + 1):
        if shape == "path":
            u = v - 1
        elif shape == "star":
            u = 1
        elif shape == "caterpillar":
            u = v - 1 if v <= n // 2 else rng.randint(1, n // 2)
        else:
            u = rng.randint(max(1, v - 10), v - 1) if shape == "deep" else rng.randint(1, v - 1)
        edges.append((u, v, weight(v)))
    return relabel(rng, n, edges)


def main():
    rng = random.Random(1505)

    def rand_w(_v):
        return rng.randint(1, MAX_W)

    sample = [fmt(3, [(1, 2, 2), (2, 3, 5)]), fmt(4, [(1, 2, 1), (1, 3, 1), (1, 4, 1)])]
    pretest = [
        fmt(1, []),
        fmt(2, [(2, 1, MAX_W)]),
        fmt(5, tree(rng, 5, rand_w, "path")),
        fmt(10, tree(rng, 10, lambda v: rng.randint(1, 3))),
        fmt(100, tree(rng, 100, rand_w, "star")),
        fmt(1000, tree(rng, 1000, rand_w)),
        fmt(2000, tree(rng, 2000, lambda v: v, "path")),
        fmt(30_000, tree(rng, 30_000, rand_w)),
    ]
    system = [
        fmt(3, [(1, 2, 5), (2, 3, 2)]),
        fmt(6, tree(rng, 6, lambda v: MAX_W, "star")),
        fmt(500, tree(rng, 500, lambda v: MAX_W - v, "path")),
        fmt(3000, tree(rng, 3000, lambda v: rng.randint(1, 10), "caterpillar")),
        fmt(5000, tree(rng, 5000, rand_w, "deep")),
        fmt(20_000, tree(rng, 20_000, lambda v: 1)),
        fmt(MAX_N, tree(rng, MAX_N, lambda v: MAX_W - abs(v - MAX_N // 2), "path")),
        fmt(10_000, tree(rng, 10_000, rand_w, "star")),
        fmt(10_000, tree(rng, 10_000, lambda v: rng.randint(1, 100), "caterpillar")),
        fmt(7, tree(rng, 7, rand_w)),
        fmt(2, [(1, 2, 1)]),
        fmt(4000, tree(rng, 4000, lambda v: 4000 - v + 1, "deep")),
    ]
    out = output_dir(PROBLEM)
    count = write_tests(PROBLEM, out, {"sample": sample, "pretest": pretest, "system": system})
    print(f"wrote {count} tests to {out}")


main()
