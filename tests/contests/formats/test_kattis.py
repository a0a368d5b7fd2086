from __future__ import annotations

from pathlib import Path

import pytest

from contests.errors import FormatError
from contests.formats import kattis
from contests.importer import import_contests, write_contests
from contests.problem import CheckerType, InteractorProtocol
from contests.time_limits import load_judge_task, lower_bound_tests
from tests.contests.fixtures import kattis_package, shared_dir, write


def test_package_with_nested_groups_and_symlinks(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "echo")
    problem = kattis.read_kattis(root)
    assert problem.name == "Echo" and problem.time_limit == 2.0 and problem.licence == "cc0"
    assert [t.name for t in problem.tests.sample] == ["1"]
    assert [t.name for t in problem.tests.system] == ["02", "group1/a", "group1/b"]
    linked = problem.tests.system[2]
    assert linked.input == (root / "data/sample/1.in").resolve()  # the link's target, not the link
    task = load_judge_task(root)
    assert [t.group for t in task.tests] == ["sample", "secret", "secret/group1", "secret/group1"]
    # Kattis' default validator, run exactly as problemtools' (case-insensitive tokens by default)
    assert task.checker.kind == "kattis-default" and task.checker.flags == ()
    assert task.memory_limit == kattis.DEFAULT_MEMORY_MB * 1024 * 1024


def test_broken_symlink_is_named(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "echo")
    (root / "data/secret/03.in").symlink_to("missing.in")
    write(root / "data/secret/03.ans", "z\n")
    with pytest.raises(FormatError, match="broken or looping symbolic link") as info:
        kattis.read_kattis(root)
    assert info.value.path == root / "data/secret/03.in"


@pytest.mark.parametrize(
    "flags",
    [
        "float_tolerance 1e-4",
        "float_absolute_tolerance 1e-6",
        "float_relative_tolerance 1e-5",
        "float_absolute_tolerance 1e-6 float_relative_tolerance 1e-7",
        "case_sensitive space_change_sensitive",
    ],
)
def test_validator_flags_go_to_the_default_validator(tmp_path: Path, flags: str) -> None:
    root = kattis_package(tmp_path / "f", problem_yaml=f"name: F\nvalidator_flags: {flags}\n")
    checker = kattis.read_kattis(root).checker
    assert (checker.type, checker.flags) == (CheckerType.KATTIS_DEFAULT, flags.split())


def test_unknown_flag_and_bad_tolerance_are_errors(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "f", problem_yaml="name: F\nvalidator_flags: float_tolerance abc\n")
    with pytest.raises(FormatError, match="float_tolerance needs a finite number") as info:
        kattis.read_kattis(root)
    assert info.value.field == "validator_flags"
    write(root / "problem.yaml", "name: F\nvalidator_flags: frobnicate\n")
    with pytest.raises(FormatError, match="unknown argument 'frobnicate'"):
        kattis.read_kattis(root)


def test_custom_validator_and_interactive(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "c", problem_yaml="name: C\nvalidation: custom\nvalidator_flags: x 1\n")
    write(root / "output_validators/v/validate.cc", "int main() { return 42; }\n")
    write(root / "output_validators/v/validate.h", "\n")
    problem = kattis.read_kattis(root)
    assert problem.checker.type is CheckerType.KATTIS
    assert problem.checker.source == (root / "output_validators/v").resolve()
    assert problem.checker.flags == ["x", "1"]
    write(root / "problem.yaml", "name: C\nvalidation: custom interactive\n")
    problem = kattis.read_kattis(root)
    assert problem.interactor is not None and problem.interactor.protocol is InteractorProtocol.KATTIS
    assert problem.checker.type is CheckerType.TOKENS


def test_custom_validation_without_validator_is_an_error(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "c", problem_yaml="name: C\nvalidation: custom\n")
    with pytest.raises(FormatError, match="no output_validator/ directory") as info:
        kattis.read_kattis(root)
    assert info.value.field == "validation"


def test_no_timelimit_keeps_multipliers_and_needs_a_limit(tmp_path: Path) -> None:
    yaml_text = "name: Z\nlimits:\n  time_multiplier: 1.2\n  time_safety_margin: 3\n  memory: 1024\n"
    root = kattis_package(tmp_path / "z", problem_yaml=yaml_text, timelimit=None)
    problem = kattis.read_kattis(root)
    assert problem.time_limit is None
    assert (problem.time_multiplier, problem.safety_margin, problem.memory_limit_mb) == (1.2, 3.0, 1024)
    with pytest.raises(FormatError, match="no time limit") as info:
        load_judge_task(root, derive=False)
    assert info.value.field == "time_limit"
    assert load_judge_task(root, time_limit=1.0).time_limit == 1.0


@pytest.mark.parametrize(
    ("slowest", "multiplier", "margin", "limit", "tle"),
    [
        (0.05, 5, 2, 1, 2),  # max(1, ...) and the margin at least limit + 1
        (0.33, 5, 2, 2, 3),  # 1.65 rounds half up to 2; 3.3 -> 3
        (0.5, 5, 2, 3, 5),  # 2.5 -> 3 (int(0.5 + x), not banker's rounding); 5.0 -> 5
        (0.9, 1.2, 2, 1, 2),  # 1.08 -> 1; 2.16 -> 2
        (1.7, 2, 4, 3, 14),  # 3.4 -> 3; 13.6 -> 14
    ],
)
def test_derived_time_limit_follows_problemtools(
    slowest: float, multiplier: float, margin: float, limit: int, tle: int
) -> None:
    derived = kattis.problemtools_time_limit(slowest, multiplier, margin)
    assert (derived.time_limit, derived.tle_margin) == (limit, tle)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (None, (5.0, 2.0)),  # legacy: problemtools' time_multiplier and time_safety_margin
        ("legacy", (5.0, 2.0)),
        ("2023-07-draft", (2.0, 1.5)),  # ac_to_time_limit, time_limit_to_tle defaults
        ("2025-09", (2.0, 1.5)),
    ],
)
def test_default_multipliers_follow_the_format_version(
    tmp_path: Path, version: str | None, expected: tuple[float, float]
) -> None:
    head = f"problem_format_version: {version}\n" if version else ""
    root = kattis_package(tmp_path / "v", problem_yaml=head + "name: V\n", timelimit=None)
    problem = kattis.read_kattis(root)
    assert (problem.time_multiplier, problem.safety_margin) == expected


def test_2023_draft_multipliers_and_language_map_name(tmp_path: Path) -> None:
    yaml_text = (
        "problem_format_version: 2023-07-draft\ntype: interactive\nname:\n  en: Guess\n  sv: Gissa\n"
        "limits:\n  time_multipliers:\n    time_limit_to_tle: 4\n"
    )
    root = kattis_package(tmp_path / "g", problem_yaml=yaml_text, timelimit=None)
    write(root / "output_validator/validate.cc", "int main() {}\n")
    write(root / "output_validator/validate.h", "\n")
    problem = kattis.read_kattis(root)
    assert problem.name == "Guess"
    assert (problem.time_multiplier, problem.safety_margin) == (2.0, 4.0)
    assert (
        problem.interactor is not None and problem.interactor.source == (root / "output_validator").resolve()
    )


SHARED = [
    ("kattis-examples", "hello", 0, 1, "kattis-default", False),
    ("kattis-examples", "different", 1, 2, "kattis", False),
    ("kattis-examples", "guess", 0, 10, "tokens", True),
    ("kattis-examples", "oddecho", 2, 16, "kattis-default", False),
    ("icpc-problems", "basicbrewing", 2, 14, "kattis-default", False),
    ("icpc-problems", "decryptingzodiac", 3, 25, "kattis-default", False),
    ("icpc-problems", "highwaycombinatorics", 2, 79, "kattis", False),
]


@pytest.mark.parametrize(("collection", "name", "samples", "secret", "checker", "interactive"), SHARED)
def test_shared_packages_read(
    collection: str, name: str, samples: int, secret: int, checker: str, interactive: bool
) -> None:
    root = shared_dir(collection) / name
    problem = kattis.read_kattis(root)
    assert (len(problem.tests.sample), len(problem.tests.system)) == (samples, secret)
    assert problem.checker.type.value == checker
    assert (problem.interactor is not None) == interactive
    assert any(s.expected.value == "accepted" for s in problem.solutions)
    task = load_judge_task(root, time_limit=None if problem.time_limit else 1.0)
    assert len(task.tests) == samples + secret
    assert all(t.input.is_file() and t.answer.is_file() for t in task.tests)


def test_shared_specifics() -> None:
    icpc = shared_dir("icpc-problems")
    brewing = kattis.read_kattis(icpc / "basicbrewing")
    assert (brewing.time_limit, brewing.checker.flags) == (1.0, ["float_tolerance", "1e-4"])
    zodiac = kattis.read_kattis(icpc / "decryptingzodiac")
    assert (zodiac.time_limit, zodiac.time_multiplier) == (None, 1.2)
    highway = kattis.read_kattis(icpc / "highwaycombinatorics")
    assert highway.time_limit == 3.0
    assert highway.checker.source is not None and (highway.checker.source / "validate.h").is_file()
    task = load_judge_task(icpc / "highwaycombinatorics")
    assert task.checker.include_dirs == (highway.checker.source,)
    different = kattis.read_kattis(shared_dir("kattis-examples") / "different")
    assert different.safety_margin == 4.0


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ("memory: .inf", "limits.memory"),
        ("memory: .nan", "limits.memory"),
        ("memory: 1" + "0" * 400, "limits.memory"),
        ("time_multiplier: -2", "limits"),
        ("output: abc", "limits.output"),
    ],
)
def test_absurd_limits_are_format_errors(tmp_path: Path, limits: str, field: str) -> None:
    root = kattis_package(tmp_path / "k", problem_yaml=f"name: K\nlimits:\n  {limits}\n")
    with pytest.raises(FormatError) as info:
        kattis.read_kattis(root)
    assert info.value.field == field


def test_dangling_symlink_in_validator_or_submissions_is_one_line(tmp_path: Path) -> None:
    root = kattis_package(tmp_path / "c", problem_yaml="name: C\nvalidation: custom\n")
    write(root / "output_validators/v/validate.cc", "int main() { return 42; }\n")
    (root / "output_validators/v/validation.h").symlink_to("../../../outside/validation.h")
    [contest] = import_contests("kattis", root)
    with pytest.raises(FormatError, match="broken symbolic link") as info:
        write_contests([contest], tmp_path / "out")
    assert info.value.path.name == "validation.h" and "\n" not in str(info.value)
    (root / "submissions/accepted/gone.py").symlink_to("nowhere.py")
    with pytest.raises(FormatError, match="broken symbolic link") as info:
        kattis.read_kattis(root)
    assert info.value.path.name == "gone.py"


def test_submissions_yaml_chooses_the_runs_that_bound_the_time_limit(tmp_path: Path) -> None:
    """2025-09 "Timelimit inference": a rule not permitting TLE (accepted, wrong_answer by default) or
    saying ``use_for_time_limit: lower`` times the tests it covers; ``false`` opts out; upper never."""
    root = kattis_package(
        tmp_path / "p", timelimit=None, problem_yaml="name: Echo\nproblem_format_version: 2025-09\n"
    )
    write(root / "submissions/time_limit_exceeded/slow.py", "print(input())\n")
    write(root / "submissions/accepted/free.py", "print(input())\n")
    write(root / "submissions/tle/split.py", "print(input())\n")
    write(
        root / "submissions/submissions.yaml",
        "accepted/free.py:\n  use_for_time_limit: false\n  permitted: [AC]\n"
        "tle:\n  sample:\n    use_for_time_limit: lower\n  secret:\n    use_for_time_limit: upper\n",
    )
    problem = kattis.read_kattis(root)
    lower = {s.name: lower_bound_tests(problem, s) for s in problem.solutions}
    everything = ["sample/1", "secret/group1/a", "secret/group1/b", "secret/02"]
    assert sorted(lower["echo.py"]) == sorted(everything) and sorted(lower["shout.py"]) == sorted(everything)
    assert lower["slow.py"] == []  # permits TLE: an upper bound, not a lower one
    assert sorted(lower["free.py"]) == sorted(everything)  # opting one glob out leaves the accepted default
    assert lower["tle.split.py"] == ["sample/1"]
    split = next(s for s in problem.solutions if s.name == "tle.split.py")
    assert [(r.tests, r.use_for_time_limit, r.required) for r in split.expectations][-1] == (
        "secret",
        "upper",
        ["TLE"],
    )
    write(root / "submissions/submissions.yaml", "tle:\n  use_for_time_limit: sometimes\n")
    with pytest.raises(FormatError, match="use_for_time_limit"):
        kattis.read_kattis(root)
