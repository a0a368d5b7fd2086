"""Builders of the problems, packages, records and payloads the contests tests use, and the shared data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    return Path(os.environ.get("CPELO_SHARED_DATA") or REPO / ".." / "shared" / "data").resolve()


def shared_dir(*parts: str) -> Path:
    path = shared_data().joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"shared data {path} is absent (real Kattis problems live in ../shared/data)")
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def native_problem(root: Path, *, yaml_text: str | None = None, tests: int = 3) -> Path:
    """A small native problem: sum of two numbers, with samples and system tests and two solutions."""
    write(
        root / "problem.yaml", yaml_text or "name: Sum\ntime_limit: 1.0\nmemory_limit_mb: 256\nrating: 800\n"
    )
    write(
        root / "statement.md",
        "# Sum\n\nAdd two numbers.\n\n## Input\n\nTwo integers.\n\n## Output\n\nTheir sum.\n",
    )
    write(root / "tests/sample/01.in", "1 2\n")
    write(root / "tests/sample/01.ans", "3\n")
    for i in range(2, tests + 1):
        write(root / f"tests/system/{i:02d}.in", f"{i} {i * 10}\n")
        write(root / f"tests/system/{i:02d}.ans", f"{i * 11}\n")
    write(root / "solutions/accepted/sum.py", "a, b = map(int, input().split())\nprint(a + b)\n")
    write(root / "solutions/wrong_answer/diff.py", "a, b = map(int, input().split())\nprint(a - b)\n")
    return root


def kattis_package(
    root: Path, *, problem_yaml: str = "name: Echo\nlicense: cc0\n", timelimit: str | None = "2"
) -> Path:
    write(root / "problem.yaml", problem_yaml)
    if timelimit is not None:
        write(root / ".timelimit", timelimit)
    write(root / "problem_statement/problem.en.tex", "\\problemname{Echo}\nRepeat the input.\n")
    write(root / "data/sample/1.in", "hello\n")
    write(root / "data/sample/1.ans", "hello\n")
    write(root / "data/secret/group1/a.in", "x\n")
    write(root / "data/secret/group1/a.ans", "x\n")
    write(root / "data/secret/02.in", "y\n")
    write(root / "data/secret/02.ans", "y\n")
    # Kattis packages reuse test files through symbolic links
    (root / "data/secret/group1/b.in").symlink_to("../../sample/1.in")
    (root / "data/secret/group1/b.ans").symlink_to("../../sample/1.ans")
    write(root / "submissions/accepted/echo.py", "print(input())\n")
    write(root / "submissions/wrong_answer/shout.py", "print(input().upper() + '!')\n")
    return root


def polygon_package(root: Path, *, with_tests: bool = True, checker: str = "std::wcmp.cpp") -> Path:
    write(
        root / "problem.xml",
        f"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<problem revision="3" short-name="a-plus-b" url="https://polygon.codeforces.com/p/x/a-plus-b">
  <names><name language="english" value="A + B"/></names>
  <statements>
    <statement charset="UTF-8" language="english" path="statements/english/problem.tex"
               type="application/x-tex"/>
  </statements>
  <judging cpu-name="Intel" cpu-speed="3600" input-file="" output-file="">
    <testset name="tests">
      <time-limit>1500</time-limit>
      <memory-limit>268435456</memory-limit>
      <test-count>3</test-count>
      <input-path-pattern>tests/%02d</input-path-pattern>
      <answer-path-pattern>tests/%02d.a</answer-path-pattern>
      <tests>
        <test method="manual" sample="true"/>
        <test method="manual"/>
        <test cmd="gen 5 7" method="generated"/>
      </tests>
    </testset>
  </judging>
  <files><resources><file path="files/testlib.h" type="h.g++"/></resources></files>
  <assets>
    <checker name="{checker}" type="testlib">
      <source path="files/check.cpp" type="cpp.g++17"/>
    </checker>
    <solutions>
      <solution tag="main"><source path="solutions/sol.py" type="python.3"/></solution>
      <solution tag="wrong-answer"><source path="solutions/wa.py" type="python.3"/></solution>
      <solution tag="time-limit-exceeded-or-accepted">
        <source path="solutions/slow.py" type="python.3"/>
      </solution>
    </solutions>
  </assets>
  <tags><tag value="math"/><tag value="implementation"/></tags>
</problem>
""",
    )
    write(root / "statements/english/problem.tex", "Compute $a + b$.")
    write(root / "statement-sections/english/legend.tex", "Compute $a + b$.")
    write(root / "statement-sections/english/input.tex", "Two integers.")
    write(root / "statement-sections/english/output.tex", "One integer.")
    write(root / "files/testlib.h", "// testlib stand-in\n")
    write(root / "files/check.cpp", '#include "testlib.h"\nint main() { return 0; }\n')
    write(root / "solutions/sol.py", "print(sum(map(int, input().split())))\n")
    write(root / "solutions/wa.py", "print(0)\n")
    write(root / "solutions/slow.py", "print(sum(map(int, input().split())))\n")
    write(root / "tests/01", "1 2\n")
    write(root / "tests/01.a", "3\n")
    write(root / "tests/02", "10 20\n")
    write(root / "tests/02.a", "30\n")
    if with_tests:
        write(root / "tests/03", "5 7\n")
        write(root / "tests/03.a", "12\n")
    return root


def codecontests_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": "1548_A. Web of Lies",
        "description": "Count the survivors.\n\nInput\n\nThe first line has n.\n\nOutput\n\nPrint one number."
        "\n\nExamples\n\nInput\n\n3\n\nOutput\n\n3\n\nNote\n\nEveryone survives.",
        "public_tests": {"input": ["3\n"], "output": ["3\n"]},
        "private_tests": {"input": ["5\n", "7\n"], "output": ["5\n", "7\n"]},
        "generated_tests": {"input": ["9\n"], "output": ["9\n"]},
        "source": 2,
        "difficulty": 7,
        "solutions": {"language": [2, 3, 1], "solution": ["int main(){}", "print(input())", "print input()"]},
        "incorrect_solutions": {"language": [3], "solution": ["print(0)"]},
        "cf_contest_id": 1548,
        "cf_index": "A",
        "cf_points": 500.0,
        "cf_rating": 1400,
        "cf_tags": ["graphs", "greedy"],
        "is_description_translated": False,
        "untranslated_description": "",
        "time_limit": {"seconds": 2, "nanos": 500000000},
        "memory_limit_bytes": 268435456,
        "input_file": "",
        "output_file": "",
    }
    record.update(overrides)
    return record


def openr1_record(index: str = "A", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"2000/{index}",
        "aliases": None,
        "contest_id": "2000",
        "contest_name": "Codeforces Round 968 (Div. 4)",
        "contest_type": "ICPC",
        "contest_start": 1723732500,
        "contest_start_year": 2024,
        "index": index,
        "time_limit": 1.0,
        "memory_limit": 256.0,
        "title": f"Problem {index}",
        "description": "Echo the number.",
        "input_format": "One integer n.",
        "output_format": "Print n.",
        "interaction_format": None,
        "note": None,
        "examples": [{"input": "1\n", "output": "1\n"}],
        "editorial": None,
        "rating": 800,
        "tags": ["implementation"],
        "testset_size": 3,
        "official_tests": [
            {"input": "1\n", "output": "1\n"},
            {"input": "2\n", "output": "2\n"},
            {"input": "3\n", "output": "3\n"},
        ],
        "official_tests_complete": True,
        "input_mode": "stdio",
        "generated_checker": None,
        "executable": True,
        "generated_tests": 0,
    }
    record.update(overrides)
    return record


def cf_payloads(contest_id: int = 2000, *, kind: str = "ICPC") -> dict[str, Any]:
    def result(points: float, rejected: int, seconds: int | None) -> dict[str, Any]:
        out: dict[str, Any] = {"points": points, "rejectedAttemptCount": rejected, "type": "FINAL"}
        if seconds is not None:
            out["bestSubmissionTimeSeconds"] = seconds
        return out

    def party(handle: str, kind_: str = "CONTESTANT") -> dict[str, Any]:
        return {
            "contestId": contest_id,
            "members": [{"handle": handle}],
            "participantType": kind_,
            "ghost": False,
        }

    solved = 1.0 if kind == "ICPC" else 480.0
    standings = {
        "status": "OK",
        "result": {
            "contest": {
                "id": contest_id,
                "name": "Codeforces Round 968 (Div. 4)",
                "type": kind,
                "phase": "FINISHED",
                "frozen": False,
                "durationSeconds": 8400,
                "startTimeSeconds": 1723732500,
            },
            "problems": [
                {
                    "contestId": contest_id,
                    "index": "A",
                    "name": "Problem A",
                    "type": "PROGRAMMING",
                    "points": 500.0,
                    "rating": 800,
                    "tags": ["implementation"],
                },
                {
                    "contestId": contest_id,
                    "index": "B",
                    "name": "Problem B",
                    "type": "PROGRAMMING",
                    "points": 1000.0,
                    "tags": [],
                },
            ],
            "rows": [
                {
                    "party": party("alice"),
                    "rank": 1,
                    "points": 2 * solved,
                    "penalty": 35,
                    "successfulHackCount": 0,
                    "unsuccessfulHackCount": 0,
                    "problemResults": [result(solved, 0, 300), result(solved, 1, 1200)],
                },
                {
                    "party": party("bob"),
                    "rank": 2,
                    "points": solved,
                    "penalty": 12,
                    "successfulHackCount": 0,
                    "unsuccessfulHackCount": 0,
                    "problemResults": [result(solved, 1, 120), result(0.0, 3, None)],
                },
                {
                    "party": party("carol", "PRACTICE"),
                    "rank": 0,
                    "points": 0.0,
                    "penalty": 0,
                    "successfulHackCount": 0,
                    "unsuccessfulHackCount": 0,
                    "problemResults": [result(0.0, 0, None), result(0.0, 0, None)],
                },
                {
                    "party": party("dave"),
                    "rank": 3,
                    "points": 0.0,
                    "penalty": 0,
                    "successfulHackCount": 0,
                    "unsuccessfulHackCount": 0,
                    "problemResults": [result(0.0, 2, None), result(0.0, 0, None)],
                },
            ],
        },
    }
    changes = {
        "status": "OK",
        "result": [
            {
                "contestId": contest_id,
                "contestName": "x",
                "handle": "alice",
                "rank": 1,
                "ratingUpdateTimeSeconds": 1723750000,
                "oldRating": 1500,
                "newRating": 1620,
            },
            {
                "contestId": contest_id,
                "contestName": "x",
                "handle": "bob",
                "rank": 2,
                "ratingUpdateTimeSeconds": 1723750000,
                "oldRating": 1400,
                "newRating": 1410,
            },
        ],
    }
    problemset = {
        "status": "OK",
        "result": {
            "problems": [
                {"contestId": contest_id, "index": "B", "name": "Problem B", "rating": 1200, "tags": ["dp"]}
            ],
            "problemStatistics": [],
        },
    }
    return {
        "contest.standings.json": standings,
        "contest.ratingChanges.json": changes,
        "problemset.problems.json": problemset,
    }
