"""A Kattis package's input validator is imported (a source file, or a directory of sources with their
header) and vets the inputs a model writes exactly as the package defines validity: exit 42.

Real packages from ../shared/data (problemtools' examples, MIT; BAPCtools' test problems, GPL-3.0),
read in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from contests.app.simulation.input_validation import accepted
from contests.formats.kattis import read_kattis
from contests.problem_loader import to_judge_task
from judge.config import JudgeConfig
from judge.judge import Judge
from tests.contests.fixtures import shared_dir, write


@pytest.fixture
def judge(tmp_path: Path) -> tuple[Judge, JudgeConfig]:
    config = JudgeConfig(compile_cache=tmp_path / "cache")
    return Judge(config), config


def test_a_validator_directory_with_its_header_vets_inputs(judge: tuple[Judge, JudgeConfig]) -> None:
    # The limit is the task's, not the validator's; these packages leave it to be derived.
    problem = read_kattis(shared_dir("kattis-examples", "oddecho")).model_copy(update={"time_limit": 2.0})
    validator = problem.input_validator
    assert validator is not None and validator.source.is_dir() and validator.valid_exit == 42
    assert validator.language == "cpp23"  # C++ as the package's judges compile it
    inputs = ["2\nab\ncd\n", "11\n" + "a\n" * 11, "2\nAB\ncd\n", "2\nab\n", "3\nabc\nd\ne\n"]
    assert accepted(judge[0], to_judge_task(problem), validator, inputs, judge[1]) == [
        True, False, False, False, True,
    ]  # fmt: skip


def test_a_python_validator_file(judge: tuple[Judge, JudgeConfig]) -> None:
    problem = read_kattis(shared_dir("bapctools-problems", "fltcmp")).model_copy(update={"time_limit": 2.0})
    validator = problem.input_validator
    assert validator is not None and validator.source.name == "validate.py"
    samples = [t.input.read_text() for t in to_judge_task(problem).tests][:1]
    verdicts = accepted(
        judge[0], to_judge_task(problem), validator, [*samples, "garbage that is no input\n"], judge[1]
    )
    assert verdicts == [True, False]


def test_validators_cpelo_cannot_build_are_named(tmp_path: Path) -> None:
    package = tmp_path / "p"
    write(package / "problem.yaml", "name: p\n")
    write(package / "data" / "secret" / "1.in", "1\n")
    write(package / "data" / "secret" / "1.ans", "1\n")
    write(package / "input_validators" / "check.ctd", "INT(1, 10) NEWLINE\n")
    problem = read_kattis(package)
    assert problem.input_validator is None
    assert any("check.ctd need other tools" in note for note in problem.notes), problem.notes
    write(package / "input_validators" / "a.py", "import sys\nsys.exit(42)\n")
    write(package / "input_validators" / "b.py", "import sys\nsys.exit(42)\n")
    problem = read_kattis(package)
    assert problem.input_validator is None and any("2 cpelo can build" in n for n in problem.notes)
