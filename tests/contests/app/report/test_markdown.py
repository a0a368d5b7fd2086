"""Markdown report: compared against expectations built from the results data, not frozen bytes."""

from __future__ import annotations

import re
from pathlib import Path

from contests.app.report import build_report, write_report
from contests.app.report.model import load_results
from contests.app.simulation.results import Results

CELL_SPLIT = re.compile(r"(?<!\\)\|")


def tables(markdown: str) -> list[list[list[str]]]:
    """Every GFM table as rows of cells (header first, the alignment row dropped)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in CELL_SPLIT.split(line.strip())[1:-1]]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def table_after(markdown: str, heading: str) -> list[list[str]]:
    return tables(markdown[markdown.index(heading) :])[0]


def test_markdown_tables_match_the_results(tmp_path: Path, results_files: list[Path]) -> None:
    md = tmp_path / "out" / "report.md"
    md.parent.mkdir()
    write_report(build_report(results_files), md=md)
    text = md.read_text()
    results = [load_results(p) for p in results_files]

    for r in results:
        line = next(x for x in text.splitlines() if x.startswith(f"- **{r.agent}: "))
        assert f"{r.rating:.0f}**" in line and f"CI {r.ci[0]:.0f} – {r.ci[1]:.0f}" in line
        d = r.percentile_detail
        assert d is not None
        assert f"percentile of {d.title} ({r.population}, {d.date}" in line
        assert f"`{r.estimator}`" in line and f"`{r.timing}`" in line
        assert f"{r.samples} samples per problem" in line

    board = table_after(text, "## Leaderboard")
    assert board[0] == ["#", "model", "rating", "95% CI", "statistical ties"]
    assert [row[1] for row in board[1:]] == ["model-b <script>", "model-a", "model-c"]
    assert [row[4] for row in board[1:]] == ["tie with #2", "tie with #1", ""]

    for r in results:
        per_contest = table_after(text, f"## {r.agent}: contests")
        ordered = sorted(r.contests, key=lambda c: c.start_time or 0)
        assert len(per_contest) == 1 + len(ordered)
        for row, c in zip(per_contest[1:], ordered, strict=True):
            assert row[0].startswith(c.name)
            assert row[2] == f"{c.rank:,} / {c.participants:,}"
            assert row[3].startswith(f"{c.performance:.0f}")
            assert row[4] == f"{c.solved} / {len(c.problems)}"
            assert row[5] == (f"penalty {c.penalty}" if c.rules == "icpc" else f"{c.points:g} points")

    first = results[0]
    section = text[text.index(f"## {first.agent}: contests") :]
    for c in first.contests:
        problems = table_after(section, f"#### {c.name}: problems")
        header = problems[0]
        assert len(problems) == 1 + len(c.problems)
        assert all(len(row) == len(header) for row in problems)  # pipes in names are escaped
        for row, p in zip(problems[1:], c.problems, strict=True):
            cells = dict(zip(header, row, strict=True))
            assert cells["problem"] == f"{p.index}. {p.name}"
            assert cells["difficulty"] == str(p.rating)
            assert cells["accepted"] == f"{p.accepted_samples} / {p.samples}"
            for k, v in p.pass_at_k.items():
                assert cells[k] == f"{v:.2f}"
            if p.attempts:
                assert cells["attempts"].split()[0].endswith(f"@{p.attempts[0].minute:g}")


def test_markdown_plots_are_png_files_beside_it(tmp_path: Path, results_files: list[Path]) -> None:
    md = tmp_path / "report.md"
    written = write_report(build_report(results_files), md=md)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md.read_text())
    assert links == [f"report-{n}.png" for n in ("rating", "performance", "solve-rate", "population")]
    for link in links:
        png = (md.parent / link).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert set(written) == {md, *(md.parent / link for link in links)}


def test_markdown_method_marks_differing_choices(tmp_path: Path, results_files: list[Path]) -> None:
    md = tmp_path / "r.md"
    write_report(build_report(results_files), md=md)
    method = table_after(md.read_text(), "## How this number was obtained")
    rows = {row[0]: row[1:] for row in method[1:]}
    assert rows["Timing model (differs)"][1].startswith("zero: ")
    assert rows["Population"][0] == rows["Population"][2]
    assert "Population (differs)" not in rows


def test_single_model_markdown_has_no_leaderboard(tmp_path: Path, results_files: list[Path]) -> None:
    md = tmp_path / "one.md"
    write_report(build_report(results_files[:1]), md=md)
    text = md.read_text()
    assert "## Leaderboard" not in text
    method = dict((row[0], row[1]) for row in table_after(text, "## How this number was obtained"))
    r: Results = load_results(results_files[0])
    assert method["Samples per problem"].startswith(f"{r.samples} ")
    assert method["Estimator"].startswith(r.estimator)


def test_unbounded_and_difficulty_rated_contests(tmp_path: Path, results_files: list[Path]) -> None:
    r = load_results(results_files[0])
    first = r.contests[0].model_copy(update={"rank": 1, "performance": None})
    second = r.contests[1].model_copy(
        update={"rated_by": "difficulty", "rank": None, "participants": None, "synthetic_standings": None}
    )
    r = r.model_copy(update={"contests": [first, second], "rating": None, "ci": [2900.0, None]})
    path = tmp_path / "edge.json"
    path.write_text(r.model_dump_json())
    md = tmp_path / "edge.md"
    write_report(build_report([path]), md=md)
    text = md.read_text()
    rows = table_after(text, f"## {r.agent}: contests")[1:]
    expected = [("1 / 9,000", "unbounded"), ("—", "1700 (orders: 1420–1580)")]
    assert [(row[2], row[3]) for row in rows] == expected
    assert f"- **{r.agent}: unbounded** (95% CI 2900 – +∞)" in text
