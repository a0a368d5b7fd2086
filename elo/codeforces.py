"""The Codeforces rating update, one function per step of the published algorithm.

Step by step, as Mike Mirzayanov's code (and TLE's and Carrot's ports) do it:

    P(a beats b)  = 1 / (1 + 10^((rb - ra) / 400))                      win_probability
    rank_i        = the worst place of i's block of equal (points, penalty)   ranks
    seed_i        = 1 + sum_{j != i} P(j beats i)                          seed_table / seed_at
    mid_i         = sqrt(rank_i * seed_i)
    need_i        = the largest integer R in [1, 8000) with seed'_i(R) >= mid_i,
                    seed'_i leaving i out of the field                      need_rating
    delta_i       = trunc((need_i - r_i) / 2)                              raw_deltas
    inc1          = trunc(-sum(delta) / n) - 1, added to all               corrections
    s             = min(4 * round(sqrt(n)), n) highest old ratings, ties broken by standings order
    inc2          = min(max(trunc(-sum_top_s(delta) / s), -10), 0), added to all
    performance_i = the smallest old rating x whose delta, this contest's inc1 + inc2 included,
                    would be <= 0 (infinite for rank 1)                    performances

The seed of every integer rating is computed at once by one FFT convolution of the rating
histogram with the win-probability kernel, so a contest costs O(n log R + R log R), not O(n^2).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from elo.errors import StandingsError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Every seed table covers the integer ratings [RATING_LO, RATING_HI); old ratings must lie inside.
RATING_LO = -1000
RATING_HI = 8000
GRID = RATING_HI - RATING_LO
# Codeforces' own bounds of the binary search for the needed rating (left = 1, right = 8000).
NEED_LO, NEED_HI = 1, 8000
# The performance search runs over the whole grid; Carrot's [-500, 6000) gives the same answers
# on real rounds, but a contest of three can put a performance outside it.
PERF_LO, PERF_HI = RATING_LO, RATING_HI


class SeedTable(NamedTuple):
    """The expected place of every integer rating against one field of contestants."""

    seed: (
        FloatArray  # seed[R - RATING_LO] = 1 + sum_j P(j beats R); seed[c, R - RATING_LO] for stacked fields
    )
    win: FloatArray  # win[d + GRID - 1] = P(a beats b) for rb - ra = d


class RatingUpdate(NamedTuple):
    """Every intermediate of one contest's update, aligned with the input order."""

    rank: IntArray
    seed: FloatArray
    mid_rank: FloatArray
    need_rating: IntArray
    delta: IntArray  # final: both corrections included
    inc1: int
    inc2: int
    performance: FloatArray | None  # +inf for rank 1; None when not asked for

    @property
    def correction(self) -> int:
        return self.inc1 + self.inc2


def win_probability(ra: npt.ArrayLike, rb: npt.ArrayLike) -> FloatArray:
    """P(a beats b), real-valued (never rounded)."""
    return np.asarray(1.0 / (1.0 + 10.0 ** ((np.asarray(rb, float) - np.asarray(ra, float)) / 400.0)))


def trunc_div(a: int, b: int) -> int:
    """a / b rounded toward zero, as Java's and JavaScript's integer division do (b > 0)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def check_ratings(ratings: npt.ArrayLike) -> IntArray:
    """Old ratings as an int array; they must be integers inside the grid."""
    r = np.asarray(ratings)
    if r.ndim != 1:
        raise StandingsError(f"ratings must be a flat list, got shape {r.shape}")
    if r.size and not np.all(np.isfinite(r.astype(float))):
        raise StandingsError(f"rating {r[~np.isfinite(r.astype(float))][0]} is not a finite number")
    ri = r.astype(np.int64)
    if r.size and np.any(ri != r):
        raise StandingsError(f"rating {r[ri != r][0]} is not an integer")
    bad = (ri < RATING_LO) | (ri >= RATING_HI)
    if bad.any():
        raise StandingsError(f"rating {ri[bad][0]} is outside [{RATING_LO}, {RATING_HI})")
    return ri


def field_sum(ratings: IntArray, kernel: FloatArray) -> FloatArray:
    """sum_j kernel[R - r_j + GRID - 1] for every grid rating R, by FFT over the rating histogram."""
    counts = np.bincount(ratings - RATING_LO, minlength=GRID).astype(float)
    size = 1 << (len(counts) + len(kernel) - 1).bit_length()
    conv = np.fft.irfft(np.fft.rfft(counts, size) * np.fft.rfft(kernel, size), size)
    return np.asarray(conv[GRID - 1 : 2 * GRID - 1])


def seed_table(ratings: npt.ArrayLike) -> SeedTable:
    """The seed of every grid rating against the field `ratings` (nobody left out yet)."""
    r = check_ratings(ratings)
    win = win_probability(0, np.arange(-(GRID - 1), GRID))
    return SeedTable(seed=1.0 + field_sum(r, win), win=win)


def seed_at(
    table: SeedTable,
    rating: npt.ArrayLike,
    leave_out: npt.ArrayLike | None = None,
    row: IntArray | None = None,
) -> FloatArray:
    """seed(rating), minus the contestant rated `leave_out` when that contestant is in the field.

    `row` picks, per element, one field of a table whose seeds are stacked for several contests.
    """
    r = np.asarray(rating, np.int64)
    s = table.seed[r - RATING_LO] if row is None else table.seed[row, r - RATING_LO]
    if leave_out is not None:
        s = s - table.win[r - np.asarray(leave_out, np.int64) + GRID - 1]
    return np.asarray(s)


def ranks(points: npt.ArrayLike, penalty: npt.ArrayLike) -> IntArray:
    """Place of each contestant (input order): ties in (points, penalty) share the block's worst place."""
    p = np.asarray(points, float)
    q = np.asarray(penalty, float)
    order = standings_order(p, q)
    sp, sq = p[order], q[order]
    last_of_block = np.r_[(sp[1:] != sp[:-1]) | (sq[1:] != sq[:-1]), True]
    block_end = np.flatnonzero(last_of_block) + 1
    block = np.cumsum(np.r_[False, last_of_block[:-1]])
    out = np.empty(len(p), np.int64)
    out[order] = block_end[block]
    return out


def standings_order(points: npt.ArrayLike, penalty: npt.ArrayLike) -> IntArray:
    """Indices in final standings order: points descending, penalty ascending, input order kept."""
    return np.lexsort((np.asarray(penalty, float), -np.asarray(points, float))).astype(np.int64)


def need_rating(
    table: SeedTable,
    mid_rank: FloatArray,
    leave_out: npt.ArrayLike | None,
    row: IntArray | None = None,
    bracket: tuple[IntArray, IntArray] | None = None,
) -> IntArray:
    """The largest R in [1, 8000) with seed'(R) >= mid_rank (1 if none), by Codeforces' bisection.

    `bracket` (left, right) may narrow the search when seed'(left) >= mid_rank > seed'(right) is
    already known; the answer is the same.
    """
    if bracket is None:
        left = np.full(np.shape(mid_rank), NEED_LO, np.int64)
        right = np.full(np.shape(mid_rank), NEED_HI, np.int64)
    else:
        left, right = bracket
    while True:
        active = right - left > 1
        if not active.any():
            return left
        mid = (left + right) // 2
        below = seed_at(table, mid, leave_out, row) < mid_rank
        right = np.where(active & below, mid, right)
        left = np.where(active & ~below, mid, left)


def raw_deltas(need: IntArray, rating: npt.ArrayLike) -> IntArray:
    """trunc((need - rating) / 2): toward zero, not floor."""
    diff = need - np.asarray(rating, np.int64)
    return np.asarray(np.sign(diff) * (np.abs(diff) // 2), np.int64)


def top_group_size(n: int) -> int:
    """s = min(4 * round(sqrt(n)), n), rounding half up as Java's Math.round does."""
    return min(4 * math.floor(math.sqrt(n) + 0.5), n)


def corrections(delta: IntArray, ratings: IntArray, standings_position: IntArray) -> tuple[int, int]:
    """(inc1, inc2): the deflation for everyone, then the zero-sum correction of the top group."""
    n = len(delta)
    inc1 = trunc_div(-int(delta.sum()), n) - 1
    s = top_group_size(n)
    # Codeforces sorts the standings by old rating with a stable sort: equal ratings keep standings order.
    top = np.lexsort((standings_position, -ratings))[:s]
    inc2 = min(max(trunc_div(-int((delta[top] + inc1).sum()), s), -10), 0)
    return inc1, inc2


def deltas_at(
    table: SeedTable,
    rank: IntArray,
    assumed: IntArray,
    leave_out: npt.ArrayLike | None,
    row: IntArray | None = None,
) -> IntArray:
    """The raw delta (before corrections) had each contestant's old rating been `assumed`."""
    mid = np.sqrt(rank * seed_at(table, assumed, leave_out, row))
    return raw_deltas(need_rating(table, mid, leave_out, row), assumed)


def performances(
    table: SeedTable, rank: IntArray, correction: int, leave_out: npt.ArrayLike | None
) -> FloatArray:
    """The smallest x in the grid with deltas_at(x) + correction <= 0 (PERF_HI if none); +inf for rank 1.

    The correction is this contest's, held fixed: recomputing it with x in place of the real rating
    moves the answer by 0..+4 points on real rounds (see elo.codeforces.exact_performance).
    """
    rank = np.asarray(rank, np.int64)
    left = np.full(rank.shape, PERF_LO, np.int64)
    right = np.full(rank.shape, PERF_HI, np.int64)
    # need(x) never decreases with x, so the needed ratings found at the ends of the current
    # interval bracket the next search: each inner bisection is shorter than the last.
    need_lo = np.full(rank.shape, NEED_LO, np.int64)
    need_hi = np.full(rank.shape, NEED_HI, np.int64)
    while True:
        active = left < right
        if not active.any():
            break
        # Finished searches (left == right, possibly PERF_HI) still ride along: keep them on the grid.
        mid = np.minimum((left + right) // 2, PERF_HI - 1)
        mid_rank = np.sqrt(rank * seed_at(table, mid, leave_out))
        need = need_rating(table, mid_rank, leave_out, bracket=(need_lo, need_hi))
        ok = raw_deltas(need, mid) + correction <= 0
        go_left = active & ok
        go_right = active & ~ok
        right = np.where(go_left, mid, right)
        need_hi = np.where(go_left, need + 1, need_hi)
        left = np.where(go_right, mid + 1, left)
        need_lo = np.where(go_right, need, need_lo)
    return np.where(rank == 1, np.inf, left.astype(float))


def rate(
    points: npt.ArrayLike,
    penalty: npt.ArrayLike,
    ratings: npt.ArrayLike,
    *,
    with_performance: bool = True,
) -> RatingUpdate:
    """One contest's rating update; inputs in any order, outputs aligned with them."""
    p = np.asarray(points, float)
    q = np.asarray(penalty, float)
    r = check_ratings(ratings)
    if not (len(p) == len(q) == len(r)):
        raise StandingsError(f"points, penalty and ratings differ in length: {len(p)}, {len(q)}, {len(r)}")
    if len(r) == 0:
        raise StandingsError("no contestants to rate")
    if not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
        raise StandingsError("points and penalty must be finite numbers")
    table = seed_table(r)
    rank = ranks(p, q)
    seed = seed_at(table, r, r)
    mid = np.sqrt(rank * seed)
    need = need_rating(table, mid, r)
    delta = raw_deltas(need, r)
    position = np.empty(len(r), np.int64)
    position[standings_order(p, q)] = np.arange(len(r))
    inc1, inc2 = corrections(delta, r, position)
    perf = performances(table, rank, inc1 + inc2, r) if with_performance else None
    return RatingUpdate(rank, seed, mid, need, delta + inc1 + inc2, inc1, inc2, perf)


def exact_performance(points: npt.ArrayLike, penalty: npt.ArrayLike, ratings: npt.ArrayLike, i: int) -> float:
    """Contestant i's performance with the whole update recomputed at every assumed rating.

    The definition itself, at O(n log R) per probe: the reference `performances` is checked against.
    """
    p = np.asarray(points, float)
    q = np.asarray(penalty, float)
    r = check_ratings(ratings).copy()
    if ranks(p, q)[i] == 1:
        return math.inf
    left, right = PERF_LO, PERF_HI
    while left < right:
        mid = (left + right) // 2
        r[i] = mid
        if rate(p, q, r, with_performance=False).delta[i] <= 0:
            right = mid
        else:
            left = mid + 1
    return float(left)
