"""pass@k against brute force over all k-subsets."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contests.app.simulation.passk import ProblemSamples, band_of, by_band, ks_for, pass_at_k


def brute(n: int, c: int, k: int) -> Fraction:
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    hit = sum(1 for sub in subsets if any(samples[i] for i in sub))
    return Fraction(hit, len(subsets))


@given(st.integers(1, 10).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))))
def test_matches_brute_force(nck: tuple[int, int, int]) -> None:
    n, c, k = nck
    assert pass_at_k(n, c, k) == pytest.approx(float(brute(n, c, k)), abs=1e-12)


def test_pass_at_1_is_the_accept_rate() -> None:
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)


def test_large_n_is_stable() -> None:
    # C(10000, 5000) overflows floats; the product form does not.
    assert pass_at_k(10_000, 1, 5000) == pytest.approx(0.5)
    assert 0.0 <= pass_at_k(10_000, 3, 100) <= 1.0


def test_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        pass_at_k(5, 6, 1)
    with pytest.raises(ValueError):
        pass_at_k(5, 1, 6)


def test_bands() -> None:
    assert band_of(1200) == "1200-1599"
    assert band_of(None) == "unrated"
    got = by_band(
        [
            ProblemSamples("A", 800, 10, 10),
            ProblemSamples("B", 1100, 10, 0),
            ProblemSamples("C", 2000, 10, 5),
        ],
        ks_for(10),
    )
    assert list(got) == ["800-1199", "2000-2399"]
    assert got["800-1199"]["pass@1"] == pytest.approx(0.5)
    assert got["800-1199"]["problems"] == 2
    assert got["2000-2399"]["pass@10"] == 1.0
    assert ks_for(10) == [1, 10] and ks_for(100) == [1, 10, 100] and ks_for(1) == [1]
