"""Each estimator on cases whose answer is known, and its interval."""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elo import estimators as est
from elo.codeforces import rate, seed_table
from elo.errors import EstimatorError, StandingsError
from elo.placement import at_rank, human_field, model_delta, place
from elo.uncertainty import spread

RATINGS = np.array([1000, 1200, 1400, 1500, 1500, 1600, 1800, 2000, 2200, 2600])
POINTS = np.arange(10, 0, -1)  # better-rated humans do not need to finish first


def _field() -> est.Placement:
    return at_rank(human_field(POINTS, np.zeros(10), RATINGS), 4)


def test_placement_follows_the_tie_rule_and_leaves_the_humans_alone() -> None:
    field = human_field([5, 5, 3, 1], [10, 10, 0, 0], [1500, 1600, 1700, 1800])
    assert place(field, 5, 10).rank == 3  # tied with two humans: the worst place of the block
    assert place(field, 5, 9).rank == 1
    assert place(field, 2, 0).rank == 4
    assert field.correction == rate([5, 5, 3, 1], [10, 10, 0, 0], [1500, 1600, 1700, 1800]).correction
    with pytest.raises(StandingsError, match="rank 6"):
        at_rank(field, 6)


def test_cf_performance_is_where_the_delta_turns_nonpositive() -> None:
    p = _field()
    perf = est.contest_performance(p)
    assert model_delta(p, int(perf)) <= 0 < model_delta(p, int(perf) - 1)
    assert est.contest_performance(at_rank(p.field, 1)) == math.inf


def _expected_place(r: float, ratings: npt.ArrayLike) -> float:
    return float(1 + sum(1 / (1 + 10 ** ((r - x) / 400)) for x in np.asarray(ratings, float)))


def test_expected_rank_is_codeelos_largest_rating_still_expected_behind_the_humans_not_behind() -> None:
    p = _field()  # rank 4: three humans ahead, none tied
    r = est.contest_expected_rank(p)
    assert r == int(r)
    assert _expected_place(r, RATINGS) >= 3 > _expected_place(r + 1, RATINGS)


def test_expected_rank_is_bounded_at_first_and_last_place_and_counts_ties_as_ahead() -> None:
    # The bug behind `--protocol codeelo` rating demo:1700 at 5344: a first place came out as the grid top
    # (7973, wherever the FFT noise dipped) or +inf; CodeElo's search stops at the best old rating + 100.
    field = human_field(POINTS, np.zeros(10), RATINGS)
    assert est.contest_expected_rank(at_rank(field, 1)) == RATINGS.max() + 99
    last = est.contest_expected_rank(at_rank(field, 11))  # behind all ten: expected place still >= 10
    assert 0 < last < est.contest_expected_rank(at_rank(field, 10))
    assert _expected_place(last, RATINGS) >= 10 > _expected_place(last + 1, RATINGS)
    # CodeElo's seed keeps its 1: with one human ahead, 1 + P >= 1 at every rating, so second place also
    # gets the top of the search, as in their calc_rating.py.
    assert est.contest_expected_rank(at_rank(field, 2)) == RATINGS.max() + 99
    tied = place(human_field([3, 3, 3, 1], [0, 0, 0, 0], [1500, 1600, 1700, 1800]), 3, 0)
    assert tied.better == 0 and tied.tied == 3
    r = est.contest_expected_rank(tied)
    assert (
        _expected_place(r, [1500, 1600, 1700, 1800]) >= 3 > _expected_place(r + 1, [1500, 1600, 1700, 1800])
    )
    e = est.expected_rank([at_rank(field, 1), at_rank(field, 5)], n_boot=50)
    assert e.n_unbounded == 0 and e.rating is not None and e.rating < RATINGS.max() + 100


_ratings = st.lists(st.integers(0, 4000), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(ratings=_ratings, data=st.data())
def test_expected_rank_is_finite_bounded_and_monotone_in_rank(
    ratings: list[int], data: st.DataObject
) -> None:
    field = human_field(np.arange(len(ratings), 0, -1), np.zeros(len(ratings)), ratings)
    values = [est.contest_expected_rank(at_rank(field, k)) for k in range(1, len(ratings) + 2)]
    assert all(math.isfinite(v) and 0 <= v <= max(ratings) + 99 for v in values)
    assert all(a >= b for a, b in itertools.pairwise(values))  # a better place never rates lower
    assert values[0] == max(ratings) + 99
    # A contest where the model solved nothing (0 points) ties with every human on 0: finite, and no
    # better than a place just ahead of that block.
    solved = data.draw(st.lists(st.integers(0, 3), min_size=len(ratings), max_size=len(ratings)))
    zero_field = human_field(solved, np.zeros(len(ratings)), ratings)
    nothing = place(zero_field, 0, 0)
    assert math.isfinite(est.contest_expected_rank(nothing))
    ahead = at_rank(zero_field, nothing.better + 1)
    assert est.contest_expected_rank(nothing) <= est.contest_expected_rank(ahead)


def test_expected_rank_sits_about_four_corrections_above_cf_performance() -> None:
    rng = np.random.default_rng(1)
    ratings = np.clip(np.rint(rng.normal(1500, 400, 3000)), 0, 3500)
    field = human_field(rng.permutation(3000), np.zeros(3000), ratings)
    p = at_rank(field, 600)
    gap = est.contest_expected_rank(p) - est.contest_performance(p)
    assert field.correction < 0
    assert gap == pytest.approx(4 * -field.correction, abs=8)


def test_mle_of_one_contest_without_ties_is_codeelos_rating_one_place_lower() -> None:
    # mle solves expected place = place; CodeElo counts the humans not behind, one fewer, and floors.
    field = _field().field
    for rank in (3, 4, 7):
        assert est.contest_expected_rank(at_rank(field, rank)) == math.floor(
            est.mle_point([at_rank(field, rank - 1)])
        )


def test_mle_interval_and_standard_error() -> None:
    field = _field().field
    placements = [at_rank(field, r) for r in (2, 4, 5, 7, 3)]
    e = est.mle(placements, n_boot=300)
    assert e.estimator == "mle" and e.rating is not None and e.standard_error is not None
    assert e.ci_low is not None and e.ci_high is not None
    assert e.ci_low <= e.rating <= e.ci_high
    assert 0 < e.standard_error < 1000


def test_replay_applies_the_real_update_in_order() -> None:
    field = _field().field
    placements = [at_rank(field, r) for r in (2, 9, 4)]
    x = 1500
    for p in placements:
        x += model_delta(p, x)
    assert est.replay_trajectory(placements)[-1] == x
    assert est.replay(placements, n_boot=50).rating == x


def test_replay_with_new_account_rules_shows_the_boosts() -> None:
    field = _field().field
    p = at_rank(field, 5)
    internal = 1400 + model_delta(p, 1400)
    assert est.replay_trajectory([p], new_account=True) == [internal - 900]


def test_difficulty_map_is_symmetric_around_a_balanced_record() -> None:
    # Problems placed symmetrically around the prior mean 1500.
    d = np.array([1100.0, 1300, 1700, 1900])
    balanced = est.difficulty([est.ProblemOutcomes(d, np.array([True, True, False, False]))], n_boot=20)
    assert balanced.estimator == "difficulty" and balanced.rating == pytest.approx(1500, abs=0.5)
    up = est.difficulty([est.ProblemOutcomes(d, np.array([True, True, True, False]))], n_boot=20)
    down = est.difficulty([est.ProblemOutcomes(d, np.array([True, False, False, False]))], n_boot=20)
    assert up.rating is not None and down.rating is not None
    assert up.rating > 1600
    assert up.rating - 1500 == pytest.approx(1500 - down.rating, abs=0.5)
    with pytest.raises(EstimatorError, match="prior_sd"):
        est.difficulty([est.ProblemOutcomes(d, np.ones(4, bool))], prior_sd=0)


def test_every_estimate_is_labelled_and_unbounded_contests_are_counted() -> None:
    field = _field().field
    placements = [at_rank(field, 1), at_rank(field, 3)]
    for name in est.PLACEMENT_ESTIMATORS:
        e = est.estimate(name, placements, n_boot=50)
        assert e.estimator == name
    cf = est.cf_performance(placements, n_boot=50)
    assert cf.n_unbounded == 1 and cf.rating == est.contest_performance(placements[1])
    assert est.cf_performance([placements[0]], n_boot=10).rating is None
    with pytest.raises(EstimatorError, match="no contests"):
        est.mle([])


def test_order_spread_summarises_ratings_over_orders() -> None:
    field = _field().field
    orders = [[at_rank(field, r)] for r in (2, 3, 4, 5, 6, 7)]
    s = est.order_spread(orders, "expected-rank")
    values = [est.contest_expected_rank(o[0]) for o in orders]
    assert s.estimator == "expected-rank" and s.n_orders == 6
    assert s.min == pytest.approx(min(values)) and s.max == pytest.approx(max(values))
    assert s.median == pytest.approx(float(np.median(values)))
    assert spread([1.0, math.inf], "x").n_unbounded == 1


def test_seed_table_rows_stack_for_replay() -> None:
    assert seed_table(RATINGS).seed.shape == (9000,)


def test_measured_bias_interpolates_the_bench_table() -> None:
    from elo.estimators import DEFAULT_ESTIMATOR, MEASURED_BIAS, measured_bias

    assert measured_bias("cf-performance", 800) == MEASURED_BIAS["cf-performance"][0]
    assert measured_bias("cf-performance", 1000) == round((-141.1 - 95.0) / 2, 1)
    assert measured_bias("mle", 5000) == MEASURED_BIAS["mle"][-1]  # flat beyond the table
    assert measured_bias("mle", None) is None and measured_bias("unknown", 1500) is None
    # The default is the estimator whose worst measured bias is smallest.
    worst = {name: max(abs(b) for b in biases) for name, biases in MEASURED_BIAS.items()}
    assert min(worst, key=lambda n: worst[n]) == DEFAULT_ESTIMATOR
