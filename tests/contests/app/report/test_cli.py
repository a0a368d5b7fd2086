"""`cpelo report` on the command line: outputs, --json, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CPELO = [sys.executable, "-c", "from contests.app.cli import main; main()"]


def cpelo(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CPELO, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_report_writes_html_and_markdown_and_prints_json(tmp_path: Path, results_files: list[Path]) -> None:
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    run = cpelo("report", *results_files, "--html", html, "--md", md, "--json")
    assert run.returncode == 0, run.stderr
    view = json.loads(run.stdout)
    assert [h["label"] for h in view["headlines"]] == ["model-a", "model-b <script>", "model-c"]
    assert [r["ties_with"] for r in view["leaderboard"]] == [[2], [1], []]
    assert {d["aspect"] for d in view["differences"]} >= {"timing model"}
    assert html.read_text().startswith("<!DOCTYPE html>") and md.read_text().startswith("# ")
    assert (tmp_path / "r-rating.png").is_file()


def test_report_prints_a_leaderboard_without_flags(results_files: list[Path]) -> None:
    run = cpelo("report", *results_files)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("1. model-b <script>: 1700 [1600 – 1900] cf-performance;")
    assert lines[0].endswith("(tie with #2)") and lines[2].startswith("3. model-c: 900")


def test_bad_results_file_is_one_line_and_exit_2(tmp_path: Path, results_files: list[Path]) -> None:
    missing = tmp_path / "nope.json"
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1, "agent": 3}')
    for bad, message in ((missing, "no such file"), (broken, "invalid results: field ")):
        run = cpelo("report", results_files[0], bad, "--html", tmp_path / "x.html")
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1 and run.stderr.startswith(f"cpelo: {bad}: {message}")
        assert "Traceback" not in run.stderr
    assert not (tmp_path / "x.html").exists()


def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path, results_files: list[Path]) -> None:
    target = tmp_path / "no-such-dir" / "r.html"
    run = cpelo("report", results_files[0], "--html", target)
    assert run.returncode == 2 and run.stderr.startswith(f"cpelo: {target}: cannot write the report")


def test_no_results_is_a_usage_error() -> None:
    run = cpelo("report")
    assert run.returncode == 2 and "RESULTS" in run.stderr
