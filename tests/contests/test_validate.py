"""`contests validate` and the Kattis derived time limit, with the real judge and sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contests.formats import native
from contests.importer import import_contests, write_contests
from contests.time_limits import load_judge_task
from contests.validate import validate
from tests.contests.fixtures import kattis_package, native_problem, shared_dir, write


def _checks(report: object) -> dict[str, tuple[str, bool | None]]:
    return {f"{c.expected}/{c.solution}": (c.verdict, c.consistent) for c in report.solutions}  # type: ignore[attr-defined]


@pytest.mark.root  # judges in the native sandbox
def test_native_problem_validates(tmp_path: Path) -> None:
    report = validate(native_problem(tmp_path / "p"), jobs=1)
    assert report.ok, report.render()
    assert _checks(report) == {
        "accepted/sum.py": ("OK", True),
        "wrong_answer/diff.py": ("WRONG_ANSWER on test 1", True),
    }


@pytest.mark.root  # judges in the native sandbox
def test_mislabelled_solutions_are_reported(tmp_path: Path) -> None:
    root = native_problem(tmp_path / "p")
    write(root / "solutions/accepted/off.py", "a, b = map(int, input().split())\nprint(a + b + (a > 1))\n")
    write(root / "solutions/time_limit_exceeded/fast.py", "print(sum(map(int, input().split())))\n")
    report = validate(root, jobs=1)
    checks = _checks(report)
    assert checks["accepted/off.py"] == ("WRONG_ANSWER on test 2", False)
    assert checks["time_limit_exceeded/fast.py"] == ("OK", False)
    assert not report.ok
    assert "FAIL" in report.render() and "PROBLEMS FOUND" in report.render()


@pytest.mark.root  # judges in the native sandbox
def test_custom_checker_and_one_that_does_not_compile(tmp_path: Path) -> None:
    yaml_text = "name: Any\ntime_limit: 1\nchecker: {type: testlib, source: check.py}\n"
    root = native_problem(tmp_path / "p", yaml_text=yaml_text)
    # accepts any output whose first token is an integer (testlib protocol, written without testlib)
    write(
        root / "check.py",
        "import sys\nout = open(sys.argv[2]).read().split()\n"
        "sys.exit(0 if out and out[0].lstrip('-').isdigit() else 1)\n",
    )
    report = validate(root, jobs=1)
    assert _checks(report)["wrong_answer/diff.py"] == ("OK", False)  # any integer is right for this checker
    write(root / "check.cpp", "int main( {\n")
    write(root / "problem.yaml", "name: Any\ntime_limit: 1\nchecker: {type: testlib, source: check.cpp}\n")
    report = validate(root, jobs=1)
    assert not report.ok and report.solutions == []
    assert any("checker" in f.message and "does not compile" in f.message for f in report.findings)


@pytest.mark.root  # judges in the native sandbox
def test_kattis_time_limit_is_derived_once_and_stored_with_the_import(tmp_path: Path) -> None:
    pkg = kattis_package(
        tmp_path / "echo", problem_yaml="name: Echo\nlimits:\n  time_multiplier: 3\n", timelimit=None
    )
    report = validate(pkg, jobs=1)
    assert report.ok, report.render()
    assert report.derived_time_limits == {"echo": 1.0}
    from contests.time_limits import deriver_for_import
    from judge.config import JudgeConfig

    [contest] = import_contests("kattis", pkg, time_limit_deriver=deriver_for_import(JudgeConfig(), 1))
    out = write_contests([contest], tmp_path / "out")[0]
    derived = native.read_contest(out).problems[0].derived_time_limit
    assert derived is not None and (derived.time_limit, derived.time_multiplier, derived.safety_margin) == (
        1,
        3.0,
        2.0,
    )
    assert derived.slowest_accepted < 1.0 / 3
    assert load_judge_task(out / "problems/A").time_limit == 1.0


@pytest.mark.root  # judges in the native sandbox
def test_load_judge_task_derives_a_missing_limit_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = kattis_package(tmp_path / "echo", timelimit=None)
    cache = tmp_path / "home/cache"
    assert load_judge_task(pkg, cache_dir=cache).time_limit == 1.0
    assert len(list((cache / "kattis-time-limits").glob("*.json"))) == 1

    def no_judging(*args: object, **kwargs: object) -> None:
        raise AssertionError("judged again instead of using the cache")

    monkeypatch.setattr("contests.time_limits.measure_time_limit", no_judging)
    assert load_judge_task(pkg, cache_dir=cache).time_limit == 1.0


SHARED = [
    ("kattis-examples", "hello"),
    ("kattis-examples", "guess"),
    ("kattis-examples", "different"),
    ("kattis-examples", "oddecho"),
    ("icpc-problems", "basicbrewing"),
    # a few minutes each on a loaded 2-core machine (25 submissions x 81 tests; slow TLE submissions)
    pytest.param("icpc-problems", "decryptingzodiac", marks=pytest.mark.slow),
    pytest.param("icpc-problems", "highwaycombinatorics", marks=pytest.mark.slow),
]


# Not marked root although it judges natively: it skips without the shared data or CPELO_SLOW_TESTS,
# and a skip of a test of a suite CI requires is a failure there (tests/suites.py).
@pytest.mark.parametrize(("collection", "name"), SHARED)
def test_shared_problems_validate(collection: str, name: str, request: pytest.FixtureRequest) -> None:
    """Every labelled jury submission that has a runtime here gets a verdict consistent with its label."""
    if request.node.get_closest_marker("slow") and not os.environ.get("CPELO_SLOW_TESTS"):
        pytest.skip("minutes of judging: set CPELO_SLOW_TESTS=1 (the judge's fidelity test covers it too)")
    report = validate(shared_dir(collection) / name, jobs=2)
    inconsistent = [c for c in report.solutions if c.consistent is False]
    assert not inconsistent, report.render()
    assert not [f for f in report.findings if f.severity == "error"], report.render()
    judged = [c for c in report.solutions if c.consistent]
    assert any(c.expected == "accepted" for c in judged)


@pytest.mark.root  # judges in the native sandbox
def test_kattis_too_slow_submissions_are_also_judged_with_the_safety_margin(tmp_path: Path) -> None:
    yaml_text = "name: Echo\nlimits:\n  time_safety_margin: 5\n"
    pkg = kattis_package(tmp_path / "echo", problem_yaml=yaml_text, timelimit="0.5")
    # about 1 s of CPU (0.9-1.1 s here): too slow for 0.5 s, fast enough for the 2.5 s margin
    spin = "n = 0\nwhile n < 15_000_000:\n    n += 1\nprint(input())\n"
    write(pkg / "submissions/time_limit_exceeded/sluggish.py", spin)
    write(pkg / "submissions/time_limit_exceeded/quick.py", "print(input())\n")
    report = validate(pkg, jobs=1)
    by_name = {c.solution: c for c in report.solutions}
    assert by_name["quick.py"].consistent is False and by_name["quick.py"].verdict == "OK"
    assert by_name["sluggish.py"].consistent is True  # at the real limit it is too slow: consistent
    warnings = [f.message for f in report.findings if f.severity == "warning"]
    assert any(
        "sluggish.py is sensitive to the time limit" in w and "2.5s safety margin" in w for w in warnings
    )
    # a must-time-out submission that passed says the package's own limit contradicts its label
    assert "upper bound" in by_name["quick.py"].note and "/ time_limit_to_tle 5" in by_name["quick.py"].note
    assert "upper bound" not in by_name["sluggish.py"].note


@pytest.mark.root  # judges in the native sandbox
def test_failed_derivation_and_broken_validator_say_why(tmp_path: Path) -> None:
    """A validator that does not compile: validate names the compiler's first error, and a time-limit
    derivation that fails because of it says so instead of "no accepted submission passed"."""
    from contests.formats import kattis
    from contests.time_limits import measure_time_limit
    from judge.config import JudgeConfig

    root = kattis_package(tmp_path / "k", problem_yaml="name: K\nvalidation: custom\n", timelimit=None)
    write(root / "output_validators/v/validate.cpp", "int main() { return undeclared_name; }\n")
    report = validate(root, jobs=1)
    [error] = [f.message for f in report.findings if f.severity == "error"]
    assert "does not compile" in error and "undeclared_name" in error and "\n" not in error
    with pytest.raises(Exception, match="undeclared_name") as info:
        measure_time_limit(kattis.read_kattis(root), JudgeConfig())
    assert "cannot derive a time limit" in str(info.value)
