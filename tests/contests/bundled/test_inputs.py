"""Every committed test input satisfies the constraints its statement promises (a validator per problem)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

Validator = Callable[[str], None]
N_MAX = 10**5
A_MAX = 10**9


def _ints(text: str) -> list[int]:
    return [int(token) for token in text.split()]


def _array(text: str, low: int, high: int, head: int = 1) -> tuple[list[int], list[int]]:
    """(header numbers, array) with 1 <= n <= 1e5 and every element in [low, high]."""
    values = _ints(text)
    header, a = values[:head], values[head:]
    assert 1 <= header[0] <= N_MAX and len(a) == header[0]
    assert min(a) >= low and max(a) <= high
    return header, a


def _rising_shelves(text: str) -> None:
    _array(text, 1, A_MAX)


def _two_keys(text: str) -> None:
    (_, s), _ = _array(text, 1, A_MAX, head=2)
    assert 2 <= s <= 2 * A_MAX


def _lucky_streaks(text: str) -> None:
    (n, k), _ = _array(text, 0, 10**6, head=2)
    assert 1 <= k <= n


def _mountain_peak(text: str) -> None:
    _, a = _array(text, 1, A_MAX)
    peak = a.index(max(a))
    assert all(x < y for x, y in pairwise(a[: peak + 1]))
    assert all(x > y for x, y in pairwise(a[peak:]))


def _calm_segments(text: str) -> None:
    (_, k), _ = _array(text, 0, A_MAX, head=2)
    assert 0 <= k <= A_MAX


def _above_average(text: str) -> None:
    _array(text, -A_MAX, A_MAX)


def _bracket_repair(text: str) -> None:
    assert text.endswith("\n") and text.count("\n") == 1
    s = text.strip()
    assert 1 <= len(s) <= 2 * 10**5 and set(s) <= {"(", ")"}


def _divisible_stretches(text: str) -> None:
    (_, k), _ = _array(text, -A_MAX, A_MAX, head=2)
    assert 1 <= k <= A_MAX


def _deadline_rush(text: str) -> None:
    values = _ints(text)
    n, pairs = values[0], values[1:]
    assert 1 <= n <= N_MAX and len(pairs) == 2 * n
    assert min(pairs) >= 1 and max(pairs) <= A_MAX


def _bottleneck_sum(text: str) -> None:
    values = _ints(text)
    n, edges = values[0], values[1:]
    assert 1 <= n <= N_MAX and len(edges) == 3 * (n - 1)
    parent = list(range(n + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v, w in zip(edges[0::3], edges[1::3], edges[2::3], strict=True):
        assert 1 <= u <= n and 1 <= v <= n and 1 <= w <= 10**6
        a, b = find(u), find(v)
        assert a != b, "the passes must form a tree"
        parent[a] = b


VALIDATORS: dict[str, Validator] = {
    "cpelo-round-1/problems/A": _rising_shelves,
    "cpelo-round-1/problems/B": _two_keys,
    "cpelo-round-1/problems/C": _lucky_streaks,
    "cpelo-round-1/problems/D": _mountain_peak,
    "cpelo-round-1/problems/E": _calm_segments,
    "cpelo-round-1/problems/F": _rising_shelves,  # same constraints as A
    "cpelo-icpc-1/problems/A": _above_average,
    "cpelo-icpc-1/problems/B": _bracket_repair,
    "cpelo-icpc-1/problems/C": _divisible_stretches,
    "cpelo-icpc-1/problems/D": _deadline_rush,
    "cpelo-icpc-1/problems/E": _bottleneck_sum,
}


@pytest.mark.parametrize("problem", sorted(VALIDATORS))
def test_inputs_meet_the_statement(bundled: Path, problem: str) -> None:
    tests = sorted((bundled / problem / "tests").rglob("*.in"))
    assert len(tests) >= 20
    for test_in in tests:
        try:
            VALIDATORS[problem](test_in.read_text())
        except AssertionError as exc:
            raise AssertionError(f"{test_in}: {exc}") from exc


def test_a_validator_rejects_a_broken_input() -> None:
    with pytest.raises(AssertionError):
        _mountain_peak("4\n1 3 2 5\n")
    with pytest.raises(AssertionError):
        _bottleneck_sum("3\n1 2 1\n2 1 1\n")


def test_mountain_answers_name_the_summit(bundled: Path) -> None:
    for test_in in sorted((bundled / "cpelo-round-1/problems/D/tests").rglob("*.in")):
        a = _ints(test_in.read_text())[1:]
        assert int(test_in.with_suffix(".ans").read_text()) == a.index(max(a)) + 1, test_in
