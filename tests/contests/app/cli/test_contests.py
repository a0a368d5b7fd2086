"""`cpelo contests ...` through the real entry point: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from contests.app.cli import cli
from contests.app.cli.errors import run_main
from tests.contests.fixtures import kattis_package, openr1_record, polygon_package, write


def cpelo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["cpelo", *args])
    code = 0
    try:
        run_main(cli)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_schema_covers_the_models(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "schema")
    schema = json.loads(out)
    assert code == 0
    assert {"Contest", "Problem", "Standings", "StandingsRow", "ProblemResult", "Checker", "Tests"} <= set(
        schema["$defs"]
    )
    contest = schema["$defs"]["Contest"]["properties"]
    assert {"id", "rules", "duration_minutes", "start_time", "problems", "standings", "licence"} <= set(
        contest
    )
    assert "root" not in schema["$defs"]["Problem"]["properties"]  # where it was read from is not data
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "schema", "--model", "problem")
    problem = json.loads(out)
    assert problem["title"] == "Problem" and {"tests", "checker", "interactor", "points", "rating"} <= set(
        problem["properties"]
    )


def test_import_then_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "o.jsonl", "\n".join(json.dumps(openr1_record(i)) for i in "AB"))
    code, out, err = cpelo(monkeypatch, capsys, "contests", "import", "openr1", str(src))
    assert code == 0, err
    assert "cf-2000: 2 problems" in out
    assert (tmp_path / "home/contests/cf-2000/contest.yaml").is_file()  # default: CPELO_HOME/contests/<id>
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "list", "--json")
    entries = {e["id"]: e for e in json.loads(out)}
    assert entries["cf-2000"]["origin"] == "imported" and entries["cf-2000"]["problems"] == ["A", "B"]
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "list")
    assert code == 0 and any(line.startswith("cf-2000") and "imported" in line for line in out.splitlines())


def test_import_kattis_package_with_fixed_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = kattis_package(tmp_path / "echo")
    code, out, err = cpelo(
        monkeypatch, capsys, "contests", "import", "kattis", str(pkg), "--out", str(tmp_path / "o")
    )
    assert code == 0, err
    assert "A: Echo (4 tests, time limit 2 s)" in out
    assert (tmp_path / "o/problems/A/tests/system/group1/b.in").read_text() == "hello\n"  # the link, copied
    # never overwrite an import without --force
    code, _, err = cpelo(
        monkeypatch, capsys, "contests", "import", "kattis", str(pkg), "--out", str(tmp_path / "o")
    )
    assert code == 2 and "already exists" in err and len(err.strip().splitlines()) == 1
    code, _, err = cpelo(
        monkeypatch, capsys, "contests", "import", "kattis", str(pkg), "--out", str(tmp_path / "o"), "--force"
    )
    assert code == 0, err


@pytest.mark.parametrize(
    ("fmt", "make", "needle"),
    [
        ("polygon", lambda p: polygon_package(p / "pkg", with_tests=False), "problem.xml"),
        ("openr1", lambda p: write(p / "bad.jsonl", '{"id": 3}\n'), "bad.jsonl: line 1.id"),
        ("kattis", lambda p: write(p / "k/problem.yaml", "name: [x\n").parent, "invalid YAML"),
        ("codecontests", lambda p: write(p / "cc.json", "[1, 2"), "invalid JSON"),
        ("cf-api", lambda p: write(p / "api/contest.standings.json", "{}").parent, "pass --problems"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    make: object,
    needle: str,
) -> None:
    src = make(tmp_path)  # type: ignore[operator]
    code, _, err = cpelo(
        monkeypatch, capsys, "contests", "import", fmt, str(src), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("cpelo: ") and needle in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_unknown_format_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cpelo(monkeypatch, capsys, "contests", "import", "icpc-xml", str(tmp_path))
    assert code == 2 and "icpc-xml" in err


def test_validate_without_judging_reports_a_broken_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = kattis_package(tmp_path / "echo")
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "validate", str(pkg), "--no-judge")
    assert code == 0 and "1 problem(s), 4 tests" in out
    (pkg / "data/secret/02.ans").unlink()
    code, out, _ = cpelo(monkeypatch, capsys, "contests", "validate", str(pkg), "--no-judge", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert "answer file for test 02 is missing" in report["findings"][0]["message"]
