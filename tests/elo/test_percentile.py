"""Percentiles always carry their population; the bundled tables reproduce the published points."""

from __future__ import annotations

import pytest

from elo.errors import PopulationError
from elo.percentile import POPULATIONS, percentile, population


def test_1673_is_about_92_8_among_all_rated_accounts() -> None:
    p = percentile(1673, "cf-all-rated-2025")
    assert p.percentile == pytest.approx(92.8, abs=0.05)
    assert "cf-all-rated-2025" in p.label() and "2025" in p.label() and "717,421" in p.label()


def test_the_2024_active_population_reproduces_its_quoted_points() -> None:
    for rating, pct in ((1143, 50.0), (1900, 94.0), (2400, 99.2), (3000, 99.93)):
        assert percentile(rating, "cf-active-6-contests-2024").percentile == pytest.approx(pct)


def test_open_ended_buckets_give_bounds_not_values() -> None:
    low = percentile(1000, "cf-active-by-colour-2022-03-11")
    assert low.percentile is None and low.low == 0 and low.high == pytest.approx(69.66, abs=0.01)
    high = percentile(3500, "cf-active-6-contests-2024")
    assert high.percentile is None and high.low == pytest.approx(99.93) and high.high == 100


def test_percentile_is_monotone_and_inside_its_bounds() -> None:
    for name in POPULATIONS:
        last = -1.0
        for rating in range(-200, 4000, 37):
            p = percentile(rating, name)
            assert p.low <= (p.percentile if p.percentile is not None else p.low) <= p.high
            assert p.low >= last - 1e-9
            last = p.low
        assert population(name).n > 0 and population(name).date


def test_unknown_population_is_named_in_the_error() -> None:
    with pytest.raises(PopulationError, match="nowhere"):
        percentile(1500, "nowhere")
