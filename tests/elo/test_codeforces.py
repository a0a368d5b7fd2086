"""The Codeforces update: exact on real rounds, and the invariants Codeforces itself checks."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elo.codeforces import (
    corrections,
    deltas_at,
    exact_performance,
    ranks,
    rate,
    raw_deltas,
    seed_table,
    top_group_size,
    win_probability,
)
from elo.errors import StandingsError
from tests.elo.conftest import CfRound


def _arrays(rows: list[list[object]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.array([r[1] for r in rows], float),
        np.array([r[2] for r in rows], float),
        np.array([r[3] for r in rows], np.int64),
    )


def test_every_official_delta_is_reproduced(cf_round: CfRound) -> None:
    points, penalty, ratings = _arrays(cf_round.rows)
    official = np.array([r[4] for r in cf_round.rows])
    update = rate(points, penalty, ratings)
    mismatches = int((update.delta != official).sum())
    assert mismatches == 0, f"{cf_round.name}: {mismatches} of {len(official)} deltas differ"


def test_performances_are_exact_or_at_most_four_above(cf_round: CfRound) -> None:
    points, penalty, ratings = _arrays(cf_round.rows)
    update = rate(points, penalty, ratings)
    assert update.performance is not None
    diffs: Counter[float] = Counter()
    for row, perf in zip(cf_round.rows, update.performance, strict=True):
        real = cf_round.perfs[row[0]]
        diffs[0.0 if real == perf == np.inf else perf - real] += 1
    assert set(diffs) <= {0, 1, 2, 3, 4}, f"{cf_round.name}: differences {dict(diffs)}"
    assert diffs[0] / len(cf_round.rows) > 0.98, f"{cf_round.name}: only {diffs[0]} exact"


def test_exact_performance_matches_the_real_one(cf_round: CfRound) -> None:
    points, penalty, ratings = _arrays(cf_round.rows)
    update = rate(points, penalty, ratings)
    assert update.performance is not None
    real = np.array([cf_round.perfs[r[0]] for r in cf_round.rows])
    off = list(np.flatnonzero(update.performance != real)[:3])
    picked = [*off, 1, len(real) // 2, len(real) - 1]
    for i in picked:
        assert exact_performance(points, penalty, ratings, int(i)) == real[i], cf_round.rows[i][0]


def test_deltas_truncate_toward_zero_not_floor() -> None:
    assert list(raw_deltas(np.array([1499, 1501, 1497]), np.array([1500, 1500, 1500]))) == [0, 0, -1]


def test_top_group_size_is_four_rounded_square_roots() -> None:
    assert [top_group_size(n) for n in (1, 10, 17, 100, 30000)] == [1, 10, 16, 40, 692]


def test_ties_share_the_worst_place_of_their_block() -> None:
    assert list(ranks([5, 3, 5, 3, 1], [10, 0, 10, 1, 0])) == [2, 3, 2, 4, 5]


@pytest.mark.parametrize(("last_in_standings", "expected_inc2"), [(True, -4), (False, 0)])
def test_top_group_ties_are_broken_by_standings_order(last_in_standings: bool, expected_inc2: int) -> None:
    # 17 contestants all rated 1500: the top group of 16 is the first 16 in standings order.
    delta = np.zeros(17, np.int64)
    delta[16] = -100
    position = np.arange(17) if last_in_standings else np.r_[np.arange(1, 17), 0]
    inc1, inc2 = corrections(delta, np.full(17, 1500), position)
    assert inc1 == 4
    assert inc2 == expected_inc2


def test_bad_standings_are_refused_with_the_value() -> None:
    with pytest.raises(StandingsError, match=r"1500\.5"):
        rate([1, 0], [0, 0], [1500.5, 1500])
    with pytest.raises(StandingsError, match="differ in length"):
        rate([1, 0], [0], [1500, 1500])
    with pytest.raises(StandingsError, match="outside"):
        rate([1], [0], [9000])


def test_seed_table_matches_the_direct_sum() -> None:
    ratings = np.array([800, 1500, 1500, 2100, 3300])
    table = seed_table(ratings)
    for r in (-1000, 0, 1234, 1500, 4000, 7999):
        direct = 1 + win_probability(ratings, r).sum()
        assert table.seed[r + 1000] == pytest.approx(direct, abs=1e-9)


contest = st.integers(2, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.lists(st.integers(0, 3600), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(contest, st.integers(0, 2**32 - 1))
def test_permuting_the_input_permutes_the_output(data: tuple[list[int], ...], seed: int) -> None:
    points, penalty, ratings = (np.array(x) for x in data)
    perm = np.random.default_rng(seed).permutation(len(points))
    a = rate(points, penalty, ratings)
    b = rate(points[perm], penalty[perm], ratings[perm])
    assert np.array_equal(a.delta[perm], b.delta)
    assert a.performance is not None and b.performance is not None
    assert np.array_equal(a.performance[perm], b.performance)


@settings(max_examples=60, deadline=None)
@given(contest)
def test_invariants_codeforces_checks(data: tuple[list[int], ...]) -> None:
    points, penalty, ratings = (np.array(x) for x in data)
    u = rate(points, penalty, ratings)
    n = len(points)
    new = ratings + u.delta
    for i in range(n):
        for j in range(n):
            same = points[i] == points[j] and penalty[i] == penalty[j] and ratings[i] == ratings[j]
            if same:  # equal inputs, equal outputs
                assert u.delta[i] == u.delta[j]
            if ratings[i] == ratings[j] and u.rank[i] < u.rank[j]:  # a better place never gets less
                assert u.delta[i] >= u.delta[j]
            if u.rank[i] == u.rank[j] and ratings[i] > ratings[j]:  # higher rating, same place
                assert new[i] >= new[j]
    # inc1 leaves the sum in (-2n, 0); inc2 takes off at most 10 each.
    assert -12 * n < int(u.delta.sum()) < 0


@settings(max_examples=40, deadline=None)
@given(contest)
def test_performance_is_the_smallest_rating_with_a_nonpositive_delta(data: tuple[list[int], ...]) -> None:
    points, penalty, ratings = (np.array(x) for x in data)
    u = rate(points, penalty, ratings)
    assert u.performance is not None
    table = seed_table(ratings)
    finite = np.isfinite(u.performance)
    assert np.array_equal(~finite, u.rank == 1)
    perf = u.performance[finite].astype(np.int64)
    rank, own = u.rank[finite], ratings[finite]
    assert np.all(deltas_at(table, rank, perf, own) + u.correction <= 0)
    above_floor = perf > -1000
    before = deltas_at(table, rank, perf - 1, own) + u.correction
    assert np.all(before[above_floor] > 0)
