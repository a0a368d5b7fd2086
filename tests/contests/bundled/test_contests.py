"""The bundled contests load with the native reader and have what the issue promises."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from contests.formats.native import read_contest
from contests.problem import CheckerType, ExpectedVerdict

CF_POINTS = [500, 1000, 1500, 2000, 2500, 3000]


def test_contest_loads_with_rules_and_problems(contest_dir: Path) -> None:
    contest = read_contest(contest_dir)
    meta = yaml.safe_load((contest_dir / "contest.yaml").read_text())
    assert contest.id == meta["id"] == contest_dir.name
    if contest.id == "cpelo-round-1":
        assert (contest.rules.value, contest.duration_minutes) == ("cf", 120)
        assert [p.index for p in contest.problems] == list("ABCDEF")
        assert [p.points for p in contest.problems] == CF_POINTS
    else:
        assert (contest.rules.value, contest.duration_minutes) == ("icpc", 180)
        assert [p.index for p in contest.problems] == list("ABCDE")
        assert all(p.points is None for p in contest.problems)
    ratings = [p.rating for p in contest.problems if p.rating is not None]
    assert len(ratings) == len(contest.problems), "every problem has a difficulty rating"
    assert ratings == sorted(ratings) and len(set(ratings)) == len(ratings), "difficulty must rise"
    assert all(800 <= r <= 2400 for r in ratings)
    assert contest.licence == "MIT"


def test_every_problem_has_twenty_tests_with_answers(contest_dir: Path) -> None:
    for problem in read_contest(contest_dir).problems:
        groups = {
            "sample": problem.tests.sample,
            "pretest": problem.tests.pretest,
            "system": problem.tests.system,
        }
        assert len(groups["sample"]) >= 1, problem.index
        assert sum(len(tests) for tests in groups.values()) >= 20, problem.index
        for tests in groups.values():
            for test in tests:
                assert test.input is not None and test.input.stat().st_size > 0
                assert test.answer is not None and test.answer.read_text().strip()


def test_solutions_exist_for_every_expected_verdict(contest_dir: Path) -> None:
    for problem in read_contest(contest_dir).problems:
        by_verdict = Counter(s.expected for s in problem.solutions)
        accepted = {
            s.path.suffix for s in problem.solutions if s.expected == ExpectedVerdict.ACCEPTED and s.path
        }
        assert accepted >= {".py", ".cpp"}, f"{problem.index}: reference in C++ and Python"
        assert by_verdict[ExpectedVerdict.WRONG_ANSWER] >= 2, problem.index
        assert by_verdict[ExpectedVerdict.TIME_LIMIT_EXCEEDED] >= 1, problem.index


def test_statements_are_titled_and_have_sections(contest_dir: Path) -> None:
    for index in yaml.safe_load((contest_dir / "contest.yaml").read_text())["problems"]:
        problem_dir = contest_dir / "problems" / index
        name = yaml.safe_load((problem_dir / "problem.yaml").read_text())["name"]
        text = (problem_dir / "statement.md").read_text()
        assert text.startswith(f"# {name}\n"), index
        assert "## Input" in text and "## Output" in text, index


def test_round_one_has_a_custom_checker_an_interactor_and_floats(bundled: Path) -> None:
    problems = read_contest(bundled / "cpelo-round-1").problems
    kinds = Counter(p.checker.type for p in problems)
    assert kinds[CheckerType.TESTLIB] == 1 and kinds[CheckerType.FLOATS] == 1
    floats = next(p for p in problems if p.checker.type == CheckerType.FLOATS)
    assert (floats.checker.abs_tol, floats.checker.rel_tol) == (1e-6, 1e-6)
    interactive = [p for p in problems if p.interactor is not None]
    assert len(interactive) == 1 and interactive[0].interactor is not None
    assert interactive[0].interactor.source.is_file()
    assert "## Interaction" in (interactive[0].interactor.source.parent / "statement.md").read_text()


def test_generators_are_committed_beside_the_tests(contest_dir: Path) -> None:
    for problem_dir in sorted((contest_dir / "problems").iterdir()):
        script = problem_dir / "generators" / "make_tests.py"
        assert script.is_file(), problem_dir
        assert "random.Random(" in script.read_text(), f"{script}: the generator must be seeded"
