"""The synthetic standings agree with the contest rules: scores and ranks recomputed from the rows."""

from __future__ import annotations

import bisect
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from contests.formats.native import read_contest


def _recomputed_points(
    rules: str, points: float | None, minute: float, rejected: int, duration: int
) -> float:
    if rules == "icpc":
        return 1.0
    assert points is not None
    return max(0.3 * points, points - points * minute * (120 / duration) / 250 - 50 * rejected)


def test_standings_say_they_are_synthetic(contest_dir: Path) -> None:
    standings = read_contest(contest_dir).standings
    assert standings is not None and standings.synthetic
    assert "Synthetic" in standings.note and "seed" in standings.note and "2025" in standings.note
    assert standings.generator is not None
    assert (contest_dir.parents[2] / standings.generator).is_file()
    assert 2000 <= len(standings.rows) <= 5000


def test_scores_and_penalties_follow_the_rules(contest_dir: Path) -> None:
    contest = read_contest(contest_dir)
    assert contest.standings is not None
    points_of = {p.index: p.points for p in contest.problems}
    rules, duration = contest.rules.value, contest.duration_minutes
    for row in contest.standings.rows:
        total, penalty = 0.0, 0
        assert set(row.problems) <= set(points_of)
        for index, result in row.problems.items():
            if result.minute is None:
                assert result.points == 0.0
                continue
            assert 0 <= result.minute <= duration
            expected = _recomputed_points(rules, points_of[index], result.minute, result.rejected, duration)
            assert result.points == pytest.approx(expected, abs=0.01), (row.handle, index)
            total += result.points
            if rules == "icpc":
                penalty += int(result.minute) + 10 * result.rejected
        assert row.points == pytest.approx(total, abs=0.01), row.handle
        assert row.penalty == penalty, row.handle
        assert row.old_rating is not None


def test_rows_are_sorted_and_ties_share_the_best_place(contest_dir: Path) -> None:
    standings = read_contest(contest_dir).standings
    assert standings is not None
    keys = [(-row.points, row.penalty) for row in standings.rows]
    assert keys == sorted(keys)
    for place, row in enumerate(standings.rows, start=1):
        better = bisect.bisect_left(keys, (-row.points, row.penalty))
        assert row.rank == better + 1, (place, row.handle)
    handles = [row.handle for row in standings.rows]
    assert len(set(handles)) == len(handles)


def test_stronger_humans_score_more(contest_dir: Path) -> None:
    """The Elo model at work: the top tenth by rating outscores the bottom tenth by a wide margin."""
    standings = read_contest(contest_dir).standings
    assert standings is not None
    by_rating = sorted(standings.rows, key=lambda row: row.old_rating or 0)
    tenth = len(by_rating) // 10
    low = sum(row.points for row in by_rating[:tenth]) / tenth
    high = sum(row.points for row in by_rating[-tenth:]) / tenth
    assert high > 3 * low


def _generator(bundled: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_standings", bundled / "generate_standings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_standings(bundled: Path, contest_dir: Path) -> None:
    shared = os.environ.get("CPELO_SHARED_DATA") or str(bundled.parents[1] / ".." / "shared" / "data")
    population = Path(shared) / "human-ratings" / "all-rated-users-hist50.csv"
    if not population.is_file():
        pytest.skip(f"{population} is absent: the real rating histogram is not shipped with the repository")
    generated = _generator(bundled).generate(contest_dir, population)
    committed = json.loads((contest_dir / "standings.json").read_text())
    assert generated == committed
