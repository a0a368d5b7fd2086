"""Speed of the full Codeforces update (with performances) on a 30,000-participant contest.

Same input, one run each: our FFT update vs a straightforward O(n^2) numpy version (every seed a
direct sum over the field, no FFT; deltas only) vs the PyPI package `codeforces-rating` (pure
Python, O(n^2) per bisection step, so only on a subset it can finish; its deltas are compared with
ours on that subset to count how often it is wrong). Target: the full update under 0.5 s.

    .venv/bin/python bench/elo_speed.py [--n 30000] [--subset 400]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from elo.codeforces import NEED_HI, NEED_LO, corrections, ranks, rate, raw_deltas, standings_order


def synthetic_contest(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ratings = np.clip(np.rint(rng.normal(1500, 450, n)), 0, 3800).astype(np.int64)
    perf = ratings + 400 / np.log(10) * rng.gumbel(size=n)
    points = np.rint(perf / 10)  # coarse points make ties, as real rounds have
    penalty = np.zeros(n)
    return points, penalty, ratings


def _chunked_sum(x: np.ndarray, r: np.ndarray, chunk: int = 500) -> np.ndarray:
    """sum_j P(r_j beats x_i) for every i, n x n in blocks to keep memory bounded."""
    out = np.empty(len(x))
    for i in range(0, len(x), chunk):
        out[i : i + chunk] = (1 / (1 + 10 ** ((x[i : i + chunk, None] - r[None, :]) / 400))).sum(axis=1)
    return out


def quadratic_update(points: np.ndarray, penalty: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """The textbook version without FFT: every seed a direct sum over the field (O(n^2 + n R))."""
    r = ratings.astype(float)
    n = len(r)
    rank = ranks(points, penalty)
    seed = 1 + _chunked_sum(r, r) - 0.5  # leave self out: P(i beats i) = 1/2
    mid = np.sqrt(rank * seed)
    grid = np.arange(NEED_LO, NEED_HI, dtype=float)
    seed_of_rating = 1 + _chunked_sum(grid, r)
    left = np.full(n, NEED_LO)
    right = np.full(n, NEED_HI)
    while (right - left > 1).any():
        m = (left + right) // 2
        s = seed_of_rating[m - NEED_LO] - 1 / (1 + 10 ** ((m - r) / 400))
        active = right - left > 1
        below = s < mid
        right = np.where(active & below, m, right)
        left = np.where(active & ~below, m, left)
    delta = raw_deltas(left, ratings)
    position = np.empty(n, np.int64)
    position[standings_order(points, penalty)] = np.arange(n)
    inc1, inc2 = corrections(delta, ratings, position)
    return delta + inc1 + inc2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30000)
    parser.add_argument("--subset", type=int, default=400)
    args = parser.parse_args()
    points, penalty, ratings = synthetic_contest(args.n)

    t = time.perf_counter()
    ours = rate(points, penalty, ratings)
    t_full = time.perf_counter() - t
    t = time.perf_counter()
    rate(points, penalty, ratings, with_performance=False)
    t_deltas = time.perf_counter() - t
    print(f"n = {args.n}: ours, full update with performances: {t_full:.3f} s (target < 0.5 s)")
    print(f"n = {args.n}: ours, deltas only:                   {t_deltas:.3f} s")

    t = time.perf_counter()
    quad = quadratic_update(points, penalty, ratings)
    t_quad = time.perf_counter() - t
    same = int((quad == ours.delta).sum())
    print(
        f"n = {args.n}: O(n^2) numpy, deltas only:          {t_quad:.3f} s  "
        f"(x{t_quad / t_deltas:.0f} our deltas, x{t_quad / t_full:.1f} our full update; "
        f"agrees on {same}/{args.n})"
    )

    try:
        import cf_rating  # type: ignore[import-not-found]
    except ImportError:
        print(
            "codeforces-rating (PyPI) is not installed: `.venv/bin/pip install codeforces-rating` to compare"
        )
        return
    m = args.subset
    sp, sq, sr = synthetic_contest(m, seed=1)
    rank = ranks(sp, sq)
    contestants = [
        cf_rating.Contestant(identifier=i, before_rating=int(sr[i]), rank=int(rank[i])) for i in range(m)
    ]
    t = time.perf_counter()
    theirs = cf_rating.calculate_rating(contestants)
    t_pkg = time.perf_counter() - t
    t = time.perf_counter()
    mine = rate(sp, sq, sr)
    t_mine = time.perf_counter() - t
    their_delta = np.array([c.after_rating - c.before_rating for c in theirs])
    wrong = int((their_delta != mine.delta).sum())
    print(
        f"n = {m}: codeforces-rating 1.5.1: {t_pkg:.2f} s vs ours (with performances) {t_mine:.4f} s "
        f"(x{t_pkg / t_mine:.0f}); its delta differs from the exact one for {wrong}/{m} "
        f"({100 * wrong / m:.0f}%), max |diff| {int(np.abs(their_delta - mine.delta).max())}"
    )


if __name__ == "__main__":
    main()
