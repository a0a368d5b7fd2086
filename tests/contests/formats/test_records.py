"""CodeContests and open-r1 records, and the open-r1 checker wrapper."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from contests.contest import Rules
from contests.errors import FormatError
from contests.formats import codecontests, native, openr1
from contests.importer import import_contests, write_contests
from contests.problem import CheckerType, ExpectedVerdict
from tests.contests.fixtures import codecontests_record, openr1_record, write

PYTHON = "/usr/bin/python3"


def test_codecontests_record(tmp_path: Path) -> None:
    problem = codecontests.read_record(codecontests_record(), tmp_path / "cc.jsonl", "line 1")
    assert (problem.id, problem.index, problem.name) == ("1548A", "A", "Web of Lies")
    assert (problem.time_limit, problem.memory_limit_mb, problem.points, problem.rating) == (
        2.5,
        256,
        500.0,
        1400,
    )
    assert problem.tags == ["graphs", "greedy"]
    assert problem.statement == "Count the survivors."
    assert problem.input_spec == "The first line has n." and problem.output_spec == "Print one number."
    assert problem.note == "Everyone survives."
    assert [t.name for t in problem.tests.sample] == ["s01"]
    assert [t.read_input() for t in problem.tests.system] == [b"5\n", b"7\n"]  # generated left out
    by_name = {s.name: s for s in problem.solutions}
    assert by_name["solutions-000.cpp"].language == "cpp"
    assert by_name["solutions-001.py"].language == "python3"
    assert by_name["incorrect_solutions-000.py"].expected is ExpectedVerdict.REJECTED
    assert len(problem.solutions) == 3  # the Python 2 one is left out, and said so
    assert any("PYTHON" in note for note in problem.notes)
    with_generated = codecontests.read_record(codecontests_record(), tmp_path, "r", with_generated=True)
    assert len(with_generated.tests.system) == 3


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"private_tests": {"input": ["1"], "output": []}}, "line 3.private_tests", "1 inputs but 0 outputs"),
        (
            {"solutions": {"language": [9], "solution": ["x"]}},
            "line 3.solutions.language[0]",
            "unknown language enum 9",
        ),
        ({"time_limit": {"seconds": -1, "nanos": 0}}, "line 3.time_limit", "positive duration"),
        ({"cf_rating": "hard"}, "line 3.cf_rating", "expected an integer"),
        ({"public_tests": None, "private_tests": None}, "line 3.private_tests", "no tests"),
    ],
)
def test_codecontests_errors_name_line_and_field(
    tmp_path: Path, change: dict, field: str, message: str
) -> None:
    with pytest.raises(FormatError, match=message) as info:
        codecontests.read_record(codecontests_record(**change), tmp_path / "cc.jsonl", "line 3")
    assert info.value.field == field


def test_codecontests_file_groups_into_contests(tmp_path: Path) -> None:
    records = [
        codecontests_record(),
        codecontests_record(name="1548_B. Integers Have Friends", cf_index="B", cf_points=1000.0),
        codecontests_record(name="1000_A. Other", cf_contest_id=1000, cf_index="A"),
    ]
    src = write(tmp_path / "cc.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    contests = import_contests("codecontests", src)
    assert [(c.id, [p.index for p in c.problems]) for c in contests] == [
        ("cf-1000", ["A"]),
        ("cf-1548", ["A", "B"]),
    ]
    assert contests[1].rules is Rules.CF
    [only] = import_contests("codecontests", src, contest_id="1548")
    out = write_contests([only], tmp_path / "out")[0]
    back = native.read_contest(out)
    assert back.problem("B").points == 1000.0
    assert (out / "problems/A/solutions/accepted/solutions-000.cpp").read_text() == "int main(){}"
    assert (out / "problems/A/tests/system/t01.in").read_text() == "5\n"


def test_openr1_record_uses_official_tests_with_samples_first(tmp_path: Path) -> None:
    problem = openr1.read_record(openr1_record(), tmp_path / "o.jsonl", "line 1")
    assert (problem.id, problem.index, problem.name, problem.rating) == ("2000A", "A", "Problem A", 800)
    assert [t.read_input() for t in problem.tests.sample] == [b"1\n"]
    assert [t.read_input() for t in problem.tests.system] == [b"2\n", b"3\n"]
    assert problem.checker.type is CheckerType.TOKENS
    incomplete = openr1.read_record(openr1_record(official_tests_complete=False), tmp_path, "r")
    assert any("incomplete" in n for n in incomplete.notes)
    no_official = openr1.read_record(openr1_record(official_tests=None), tmp_path, "r")
    assert len(no_official.tests.sample) == 1 and not no_official.tests.system


CHECKER = """
import sys
inp, correct, got = sys.argv[1:4]
want = open(correct).read().split()
have = open(got).read().split()
if sorted(want) == sorted(have):
    print(1)
else:
    print(0)
"""


@pytest.mark.parametrize(("output", "code"), [("2 1\n", 0), ("1 1\n", 1)])
def test_generated_checker_runs_as_a_testlib_checker(tmp_path: Path, output: str, code: int) -> None:
    problem = openr1.read_record(openr1_record(generated_checker=CHECKER), tmp_path, "r")
    assert problem.checker.type is CheckerType.TESTLIB and problem.checker.source_text is not None
    checker = write(tmp_path / "checker.py", problem.checker.source_text)
    inp = write(tmp_path / "in", "x\n")
    out = write(tmp_path / "out", output)
    ans = write(tmp_path / "ans", "1 2\n")
    # testlib order: input, contestant output, jury answer
    done = subprocess.run(
        [PYTHON, str(checker), str(inp), str(out), str(ans)], capture_output=True, timeout=30
    )
    assert done.returncode == code, done.stderr


def test_generated_checker_that_crashes_is_a_judge_failure(tmp_path: Path) -> None:
    checker = write(tmp_path / "checker.py", openr1.checker_wrapper("raise ValueError('boom')"))
    args = [str(write(tmp_path / n, "1\n")) for n in ("in", "out", "ans")]
    done = subprocess.run([PYTHON, str(checker), *args], capture_output=True, timeout=30)
    assert done.returncode == 3 and b"boom" in done.stderr


def test_openr1_import_writes_the_checker_and_skips_interactive(tmp_path: Path) -> None:
    records = [
        openr1_record("A"),
        openr1_record("B", generated_checker=CHECKER),
        openr1_record("C", interaction_format="Guess the number."),
    ]
    src = write(tmp_path / "o.jsonl", "\n".join(json.dumps(r) for r in records))
    [contest] = import_contests("openr1", src)
    assert contest.id == "cf-2000" and contest.rules is Rules.ICPC
    assert [p.index for p in contest.problems] == ["A", "B"]
    assert contest.start_time is not None and contest.start_time.year == 2024
    out = write_contests([contest], tmp_path / "out")[0]
    b = native.read_contest(out).problem("B")
    assert b.checker.type is CheckerType.TESTLIB and b.checker.source == out / "problems/B/checker.py"
    assert "GENERATED_CHECKER" in b.checker.source.read_text()
    [with_c] = import_contests("openr1", src, include_interactive=True)
    assert [p.index for p in with_c.problems] == ["A", "B", "C"]


def test_record_files_report_bad_lines(tmp_path: Path) -> None:
    src = write(tmp_path / "o.jsonl", json.dumps(openr1_record()) + "\n{not json\n")
    with pytest.raises(FormatError, match="invalid JSON") as info:
        import_contests("openr1", src)
    assert info.value.field == "line 2"
    src = write(tmp_path / "p.json", json.dumps([openr1_record(), 7]))
    with pytest.raises(FormatError, match="expected a JSON object") as info:
        import_contests("openr1", src)
    assert info.value.field == "[1]"


def test_parquet_is_read_when_pyarrow_is_installed(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet support is the optional 'parquet' extra")
    import pyarrow.parquet as pq

    records = [openr1_record("A"), openr1_record("B")]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "train.parquet")
    [contest] = import_contests("openr1", tmp_path / "train.parquet")
    assert [p.index for p in contest.problems] == ["A", "B"]
