from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from contests.contest import Contest, Rules
from contests.errors import FormatError
from contests.formats import native
from contests.problem import Checker, CheckerType, ExpectedVerdict, Problem, Test, Tests
from contests.problem_loader import to_judge_task
from contests.standings import ProblemResult, Standings, StandingsRow
from contests.time_limits import load_judge_task
from tests.contests.fixtures import native_problem, write


def test_problem_dir_reads_with_statement_sections_tests_and_solutions(tmp_path: Path) -> None:
    problem = native.read_problem(native_problem(tmp_path / "p", tests=4))
    assert problem.name == "Sum" and problem.time_limit == 1.0 and problem.rating == 800
    assert problem.statement == "Add two numbers."
    assert problem.input_spec == "Two integers." and problem.output_spec == "Their sum."
    assert [t.name for t in problem.tests.sample] == ["01"]
    assert [t.name for t in problem.tests.system] == ["02", "03", "04"]
    assert {(s.name, s.expected) for s in problem.solutions} == {
        ("sum.py", ExpectedVerdict.ACCEPTED),
        ("diff.py", ExpectedVerdict.WRONG_ANSWER),
    }
    assert problem.checker.type is CheckerType.TOKENS


def test_judge_task_numbers_tests_in_judging_order(tmp_path: Path) -> None:
    root = native_problem(tmp_path / "p", tests=3)
    write(root / "tests/pretest/01.in", "7 7\n")
    write(root / "tests/pretest/01.ans", "14\n")
    task = load_judge_task(root)
    assert [(t.index, t.group) for t in task.tests] == [
        (1, "sample"),
        (2, "pretest"),
        (3, "system"),
        (4, "system"),
    ]
    assert task.tests[1].input.read_text() == "7 7\n"
    assert task.time_limit == 1.0 and task.memory_limit == 256 * 1024 * 1024
    assert load_judge_task(root, time_limit=3.5).time_limit == 3.5


def _contest(tmp_path: Path) -> Contest:
    checker_file = write(tmp_path / "src" / "check.py", "import sys\nsys.exit(0)\n")
    a = Problem(
        id="r-A",
        index="A",
        name="Alpha",
        statement="Legend *here*.",
        input_spec="n",
        output_spec="m",
        note="see",
        time_limit=2.0,
        memory_limit_mb=128,
        points=500,
        rating=900,
        tags=["math"],
        tests=Tests(
            sample=[Test(name="01", input_text="1\n", answer_text="1\n")],
            system=[
                Test(
                    name="g/02",
                    input=write(tmp_path / "src/2.in", "2\n"),
                    answer=write(tmp_path / "src/2.ans", "2\n"),
                )
            ],
        ),
        checker={"type": "testlib", "source": checker_file},
        solutions=[{"name": "ok.py", "expected": "accepted", "text": "print(input())\n"}],
    )
    b = a.model_copy(
        update={
            "id": "r-B",
            "index": "B",
            "name": "Beta",
            "checker": Checker(type=CheckerType.FLOATS, abs_tol=1e-6),
        }
    )
    standings = Standings(
        synthetic=True,
        note="test",
        rows=[
            StandingsRow(
                handle="h1",
                rank=1,
                old_rating=1500,
                points=980.0,
                problems={"A": ProblemResult(points=480, rejected=0, minute=5.0)},
            ),
            StandingsRow(handle="h2", rank=2, points=0.0, problems={"A": ProblemResult(rejected=2)}),
        ],
    )
    return Contest(
        id="round-x",
        name="Round X",
        rules=Rules.CF,
        duration_minutes=120,
        start_time=datetime(2026, 1, 10, 14, 35, tzinfo=UTC),
        problems=[a, b],
        standings=standings,
        source="tests",
        licence="MIT",
    )


def test_contest_round_trips_through_the_native_format(tmp_path: Path) -> None:
    contest = _contest(tmp_path)
    out = native.write_contest(contest, tmp_path / "out")
    back = native.read_contest(out)
    assert back.id == "round-x" and back.rules is Rules.CF and back.start_time == contest.start_time
    assert [p.index for p in back.problems] == ["A", "B"]
    a = back.problem("A")
    assert (a.name, a.points, a.rating, a.tags, a.time_limit, a.memory_limit_mb) == (
        "Alpha",
        500,
        900,
        ["math"],
        2.0,
        128,
    )
    assert (a.statement, a.input_spec, a.output_spec, a.note) == ("Legend *here*.", "n", "m", "see")
    assert [t.name for t in a.tests.all()] == ["01", "g/02"]
    assert a.tests.system[0].read_input() == b"2\n"
    assert a.checker.type is CheckerType.TESTLIB and a.checker.source == out / "problems/A/check.py"
    assert a.solutions[0].read_text() == "print(input())\n"
    assert back.problem("B").checker.abs_tol == 1e-6
    assert back.standings == contest.standings
    task = to_judge_task(a)
    assert [t.group for t in task.tests] == ["sample", "system/g"]


def test_problem_without_tests_is_an_error_naming_the_directory(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write(root / "problem.yaml", "name: X\ntime_limit: 1\n")
    (root / "tests").mkdir()
    with pytest.raises(FormatError, match="no tests"):
        native.read_problem(root)


@pytest.mark.parametrize(
    ("yaml_text", "field", "message"),
    [
        ("name: X\ntime_limit: 1\nfoo: 3\n", "foo", "unknown field"),
        ("name: X\ntime_limit: -1\n", "time_limit", "greater than 0"),
        ("name: X\ntime_limit: 1\nchecker: {type: testlib}\n", "checker", "needs a source"),
        (
            "name: X\ntime_limit: 1\nchecker: {type: testlib, source: ../x.cpp}\n",
            "checker.source",
            "relative path",
        ),
        (
            "name: X\ntime_limit: 1\nchecker: {type: testlib, source: nope.cpp}\n",
            "checker.source",
            "does not exist",
        ),
        ("name: X\ntime_limit: 1\ninteractor: {source: i.cpp}\n", "interactor.protocol", "is missing"),
        ("name: [1, 2\n", None, "invalid YAML at line"),
    ],
)
def test_bad_problem_yaml_names_file_and_field(
    tmp_path: Path, yaml_text: str, field: str | None, message: str
) -> None:
    root = native_problem(tmp_path / "p", yaml_text=yaml_text)
    with pytest.raises(FormatError, match=message) as info:
        native.read_problem(root)
    assert info.value.path == root / "problem.yaml"
    assert info.value.field == field


def test_missing_answer_file_is_named(tmp_path: Path) -> None:
    root = native_problem(tmp_path / "p")
    (root / "tests/system/02.ans").unlink()
    with pytest.raises(FormatError, match="answer file for test 02 is missing") as info:
        native.read_problem(root)
    assert info.value.path == root / "tests/system/02.ans"


def test_contest_listing_a_missing_problem_is_an_error(tmp_path: Path) -> None:
    native_problem(tmp_path / "c/problems/A")
    write(
        tmp_path / "c/contest.yaml", "id: c\nname: C\nrules: icpc\nduration_minutes: 300\nproblems: [A, B]\n"
    )
    with pytest.raises(FormatError, match=r"problems/B/problem.yaml does not exist") as info:
        native.read_contest(tmp_path / "c")
    assert info.value.field == "problems[1]"


def test_contest_problem_ids_come_from_contest_and_index(tmp_path: Path) -> None:
    native_problem(tmp_path / "c/problems/A")
    write(
        tmp_path / "c/contest.yaml", "id: c-1\nname: C\nrules: icpc\nduration_minutes: 300\nproblems: [A]\n"
    )
    contest = native.read_contest(tmp_path / "c")
    assert contest.problems[0].id == "c-1-A"
    assert load_judge_task(tmp_path / "c/problems/A").id == "c-1-A"


def test_bundled_contests_read_when_present() -> None:
    from contests.catalog import bundled_root

    contests = (
        [p for p in bundled_root().iterdir() if native.is_contest_dir(p)] if bundled_root().is_dir() else []
    )
    if not contests:
        pytest.skip("no bundled contests yet (contests/bundled/ is written by another helper)")
    for path in contests:
        try:
            contest = native.read_contest(path)
        except FormatError as exc:
            if "does not exist" in str(exc):
                pytest.skip(f"bundled contest {path.name} is still being written: {exc}")
            raise
        assert contest.problems and all(p.tests.all() for p in contest.problems)
