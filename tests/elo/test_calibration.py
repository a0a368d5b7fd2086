"""Calibration on Elo-model contests (a small version of bench/elo_calibration.py's table).

Documented bounds, measured with fields of 1500 humans, 20 contests, 8 replications:
- mle and difficulty recover R0 within +-25 on average (asserted within +-60, the noise of 8 runs);
- expected-rank sits above cf-performance by 4 x |inc1 + inc2| (about 62 here), within -12..+25
  (CodeElo's one place better, and its bounded first places);
- per-contest means are pulled down at the bottom of the field: cf-performance about -130 at
  R0 = 800 (a contestant finishing near last has a performance floor, and the mean of a convex
  function of its place is not the function of the mean place).
"""

from __future__ import annotations

import pytest

from elo.calibration import calibrate


@pytest.fixture(scope="module")
def table() -> dict[int, dict[str, float]]:
    rows = calibrate((800, 1600, 2400), n_contests=20, n_humans=1500, replications=8, pool=30, seed=3)
    return {r.true_rating: {**r.bias, "correction": r.mean_correction} for r in rows}


def test_mle_and_difficulty_recover_the_true_rating(table: dict[int, dict[str, float]]) -> None:
    for r0, bias in table.items():
        assert abs(bias["mle"]) < 60, (r0, bias)
        assert abs(bias["difficulty"]) < 60, (r0, bias)


def test_expected_rank_sits_four_corrections_above_cf_performance(table: dict[int, dict[str, float]]) -> None:
    for r0, bias in table.items():
        gap = bias["expected-rank"] - bias["cf-performance"]
        # CodeElo counts the humans not behind the model (one place better than its place) and keeps
        # first places (the top of its search) that cf-performance leaves out as unbounded: a few more
        # points where places are sparse, at the top (measured +12.5 at 2400, ~+3 elsewhere).
        assert -12 < gap + 4 * bias["correction"] < 25, (r0, gap, bias["correction"])


def test_per_contest_means_are_pulled_down_at_the_bottom(table: dict[int, dict[str, float]]) -> None:
    assert -220 < table[800]["cf-performance"] < -60
    assert table[800]["cf-performance"] < table[1600]["cf-performance"] < table[2400]["cf-performance"] + 40
    assert abs(table[2400]["cf-performance"]) < 60
    for bias in table.values():
        assert abs(bias["replay"]) < 150


def test_a_perfect_selector_over_k_samples_rates_400_log10_k_higher() -> None:
    import numpy as np

    from elo.calibration import best_of_rating, place_best_of, simulate_contests
    from elo.estimators import mle_point

    assert best_of_rating(1500, 10) == pytest.approx(1900)
    rng = np.random.default_rng(5)
    fields = simulate_contests(30, 1000, rng)
    one = mle_point(place_best_of(1500, 1, fields, rng))
    ten = mle_point(place_best_of(1500, 10, fields, rng))
    assert abs(one - 1500) < 60 and abs(ten - 1900) < 60, (one, ten)
