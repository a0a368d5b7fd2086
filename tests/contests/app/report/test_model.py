"""The report's view: loading results files, headlines, leaderboard ties, differences, method."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contests.app.report import ResultsFileError, build_report, report_from
from contests.app.report.method import method_comparison, method_rows
from contests.app.report.model import attempts_text, leaderboard, load_results
from contests.app.simulation.results import Results
from tests.contests.app.report.fixtures import make_results


def test_headline_carries_every_choice(results_files: list[Path]) -> None:
    report = build_report(results_files[:1])
    h = report.view.headlines[0]
    r = load_results(results_files[0])
    assert (h.rating, h.ci_low, h.ci_high) == (r.rating, r.ci[0], r.ci[1])
    assert h.percentile == r.percentile and h.population == "cf-all-rated-2025"
    assert h.population_date == "2025-01" and h.population_title == "all rated Codeforces accounts"
    assert h.contests == 2 and h.problems == 7 and h.solved == 4
    assert (h.samples_per_problem, h.timing, h.estimator) == (4, "human-median", "cf-performance")
    assert not report.several and report.view.differences == []


def test_leaderboard_orders_by_rating_and_marks_overlaps(results_files: list[Path]) -> None:
    rows = build_report(results_files).view.leaderboard
    assert [r.label for r in rows] == ["model-b <script>", "model-a", "model-c"]
    assert [r.place for r in rows] == [1, 2, 3]
    assert rows[0].ties_with == [2] and rows[1].ties_with == [1] and rows[2].ties_with == []


def test_differences_name_the_choices_that_differ(results_files: list[Path]) -> None:
    report = build_report(results_files)
    aspects = {d.aspect: d.values for d in report.view.differences}
    assert set(aspects) == {"timing model", "samples per problem", "attempts per problem"}
    assert aspects["timing model"]["model-b <script>"] == "zero"
    compared = {m.aspect: m for m in method_comparison(report.entries)}
    assert compared["Timing model"].differs and compared["Samples per problem"].differs
    assert not compared["Population"].differs and not compared["Judge"].differs


def test_same_agent_twice_gets_distinct_labels(results_factory: Callable[..., Results]) -> None:
    r = results_factory("same")
    report = report_from([("a/x.json", r), ("b/x.json", r), ("c/y.json", r)])
    labels = [e.label for e in report.entries]
    assert len(set(labels)) == 3 and all(label.startswith("same") for label in labels)


def test_unbounded_rating_ranks_first(results_factory: Callable[..., Results]) -> None:
    top = results_factory("top", rating=None, ci=(2900.0, None))
    mid = results_factory("mid", rating=2800.0, ci=(2700.0, 2950.0))
    rows = report_from([("t", top), ("m", mid)]).view.leaderboard
    assert [r.label for r in rows] == ["top", "mid"]
    assert rows[0].ci_high is None and rows[0].ties_with == [2]


def test_method_rows_state_population_window_and_policy(results_files: list[Path]) -> None:
    rows = {m.aspect: m.text for m in method_rows(load_results(results_files[0]))}
    assert "dated 2025-01" in rows["Population"] and "n = 717,421" in rows["Population"]
    assert rows["Contest window"].startswith("contests starting on or after 2025-01-01")
    assert "left out: 1999" in rows["Contest window"]
    assert rows["Attempt policy"].startswith("generation-order") and "at most 4" in rows["Attempt policy"]
    assert rows["Timing model"].startswith("human-median: ")
    assert "synthetic human standings in 2002" in rows["Rated by"]
    assert "30 submissions judged" in rows["Judge"]


def test_attempts_text_folds_ignored_attempts(results_files: list[Path]) -> None:
    b = load_results(results_files[0]).contests[0].problems[1]
    assert attempts_text(b.attempts) == "WA3@9 AC@15 +1 ignored"
    assert attempts_text([]) == "nothing submitted"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"{not json", "not JSON: "),
        (b"[1, 2]", "not a cpelo results file"),
        (b'{"schema_version": 99}', "schema_version 99"),
    ],
)
def test_bad_files_name_the_file_and_the_fault(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ResultsFileError) as info:
        load_results(path)
    assert str(info.value).startswith(f"{path}: ") and expected in str(info.value)


def test_invalid_field_is_named(tmp_path: Path, results_files: list[Path]) -> None:
    data = json.loads(results_files[0].read_text())
    data["contests"][0]["rank"] = "first"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsFileError, match=r"bad\.json: invalid results: field contests\.0\.rank"):
        load_results(path)


def test_directory_and_empty_contests_are_refused(tmp_path: Path, results_files: list[Path]) -> None:
    with pytest.raises(ResultsFileError, match="is a directory"):
        load_results(tmp_path)
    data = json.loads(results_files[0].read_text())
    data["contests"] = []
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsFileError, match="no contests"):
        load_results(path)


bound = st.one_of(st.none(), st.floats(-500, 4000, allow_nan=False))


@given(st.lists(st.tuples(st.floats(0, 3500), bound, bound), min_size=1, max_size=6))
def test_ties_are_exactly_the_overlapping_intervals(
    specs: list[tuple[float, float | None, float | None]],
) -> None:
    results = []
    for i, (rating, a, b) in enumerate(specs):
        low = None if a is None else min(a, rating)
        high = None if b is None else max(b, rating)
        results.append((f"f{i}", make_results(f"m{i}", rating, (low, high))))
    rows = leaderboard(report_from(results).entries)
    ratings = [r.rating for r in rows]
    assert ratings == sorted(ratings, reverse=True)  # type: ignore[type-var]
    span = {
        r.place: (-math.inf if r.ci_low is None else r.ci_low, math.inf if r.ci_high is None else r.ci_high)
        for r in rows
    }
    for r in rows:
        lo, hi = span[r.place]
        expected = [p for p, (a, b) in span.items() if p != r.place and a <= hi and lo <= b]
        assert r.ties_with == expected
        for p in r.ties_with:
            assert r.place in next(x for x in rows if x.place == p).ties_with
