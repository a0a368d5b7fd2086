"""Problem -> judge.task.JudgeTask: the judge's view of a problem, and loading one from any problem dir.

A package whose time limit must first be measured is loaded by ``contests.time_limits.load_judge_task``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from contests.errors import FormatError
from contests.formats import kattis, native
from contests.problem import Problem, Test
from judge.task import (
    CheckerKind,
    CheckerSpec,
    InteractorProtocol,
    InteractorSpec,
    JudgeTask,
    MiB,
    TestCase,
)


def load_problem(path: Path) -> Problem:
    """A native problem dir (``problems/<index>/`` or standalone) or a Kattis package."""
    path = Path(path)
    if not path.is_dir():
        raise FormatError(path, None, "not a directory: expected a problem dir or a Kattis package")
    if native.is_problem_dir(path):
        index = path.name if path.parent.name == "problems" else None
        contest_dir = path.parent.parent
        if index is not None and native.is_contest_dir(contest_dir):
            return native.read_problem(path, index=index, contest_id=native.contest_id(contest_dir))
        return native.read_problem(path)
    if kattis.is_kattis_package(path):
        return kattis.read_kattis(path)
    raise FormatError(path, None, "neither a native problem dir (problem.yaml + tests/) nor a Kattis package")


def default_language(problem_dir: Path, source: Path) -> str | None:
    """The language a source is judged as when none is named: a Kattis package's C++ as its judges
    compile it (GNU C++23, problemtools); None: from the extension."""
    problem_dir = Path(problem_dir)
    if native.is_problem_dir(problem_dir) or not kattis.is_kattis_package(problem_dir):
        return None
    return kattis.program_language(Path(source)) if Path(source).is_file() else None


def effective_time_limit(problem: Problem) -> float | None:
    if problem.time_limit is not None:
        return problem.time_limit
    if problem.derived_time_limit is not None:
        return float(problem.derived_time_limit.time_limit)
    return None


def to_judge_task(
    problem: Problem,
    *,
    time_limit: float | None = None,
    data_dir: Path | None = None,
    time_scale: float = 1.0,
) -> JudgeTask:
    """Map ``problem`` onto the judge's JudgeTask.

    Inline tests (record formats before they are written out) are materialized under ``data_dir``
    (a fresh temporary directory when None; the caller owns it). ``time_scale`` multiplies the limit
    (judging on slower hardware than the problem's); the task records where its limit came from.
    """
    limit = time_limit if time_limit is not None else effective_time_limit(problem)
    where = problem.root / "problem.yaml" if problem.root is not None else Path(problem.id)
    if limit is None:
        raise FormatError(
            where,
            "time_limit",
            "no time limit: the Kattis package has no .timelimit; import it (`cpelo contests import kattis`) "
            "to derive one from the accepted submissions, or pass one explicitly",
        )
    cases: list[TestCase] = []
    for group, tests in problem.tests.groups():
        for test in tests:
            index = len(cases) + 1
            inp, ans = _files(test, index, data_dir, problem.id)
            cases.append(
                TestCase(
                    index=index,
                    input=inp,
                    answer=ans,
                    group=_group(group, test.name, problem),
                    checker_args=tuple(test.checker_args or ()),
                )
            )
    if not cases:
        raise FormatError(where, "tests", "the problem has no tests")
    checker = problem.checker
    source = checker.source
    if checker.source_text is not None and source is not None:
        if data_dir is None:
            data_dir = Path(tempfile.mkdtemp(prefix=f"cpelo-{_safe(problem.id)}-"))
        data_dir.mkdir(parents=True, exist_ok=True)
        data_dir.chmod(0o755)  # sandboxed checkers run as another user and read the tests
        source = data_dir / source.name
        source.write_text(checker.source_text, encoding="utf-8")
    elif source is not None and not source.is_absolute() and problem.root is not None:
        source = problem.root / source
    spec = CheckerSpec(
        kind=CheckerKind(checker.type.value),
        abs_tol=checker.abs_tol,
        rel_tol=checker.rel_tol,
        source=source,
        language=_helper_language(problem, source),
        flags=tuple(checker.flags),
        include_dirs=_include_dirs(source),
    )
    interactor = None
    if problem.interactor is not None:
        interactor = InteractorSpec(
            protocol=InteractorProtocol(problem.interactor.protocol.value),
            source=problem.interactor.source,
            language=_helper_language(problem, problem.interactor.source),
            flags=tuple(problem.interactor.flags),
            include_dirs=_include_dirs(problem.interactor.source),
        )
    return JudgeTask(
        id=problem.id,
        tests=tuple(cases),
        time_limit=limit * time_scale,
        time_limit_origin=time_limit_origin(problem, time_limit, time_scale),
        memory_limit=problem.memory_limit_mb * MiB,
        output_limit=problem.output_limit_mb * MiB,
        # The Kattis format's judging systems let output past the limit run on: DOMjudge's runguard
        # truncates it (then TLE, RTE, or OUTPUT-LIMIT), BAPCtools keeps it; ours (Codeforces rules) kill.
        output_overflow="truncate" if problem.origin_format == "kattis" else "kill",
        checker=spec,
        interactor=interactor,
        validation_passes=problem.validation_passes or 1,
    )


def time_limit_origin(problem: Problem, given: float | None, time_scale: float) -> str:
    """How the task's limit was obtained, in words, for every result to carry."""
    if given is not None:
        origin = f"given ({given:g} s)"
    elif problem.time_limit is not None:
        origin = f"{problem.origin_format} problem ({problem.time_limit:g} s)"
    elif problem.derived_time_limit is not None:
        d = problem.derived_time_limit
        origin = (
            f"derived ({d.time_limit} s = max(1, round({d.slowest_accepted:.3f} s x {d.time_multiplier:g})), "
            f"slowest accepted submission, fastest of {d.repeats} run(s) each; {d.measured_with})"
        )
    else:
        origin = "unknown"
    return origin if time_scale == 1.0 else f"{origin} x {time_scale:g} (--time-scale)"


def _group(group: str, name: str, problem: Problem) -> str:
    """sample/pretest/system; a Kattis package's nested groups keep their path (secret/subtask1)."""
    top = "secret" if problem.origin_format == "kattis" and group == "system" else group
    parent = Path(name).parent.as_posix()
    return top if parent == "." else f"{top}/{parent}"


def _helper_language(problem: Problem, source: Path | None) -> str | None:
    """The language a checker/interactor compiles as: a Kattis package's C++ as its judges compile it."""
    if source is None or problem.origin_format != "kattis":
        return None
    return kattis.program_language(source)


def _include_dirs(source: Path | None) -> tuple[Path, ...]:
    if source is None:
        return ()
    return (source,) if source.is_dir() else (source.parent,)


def _files(test: Test, index: int, data_dir: Path | None, problem_id: str) -> tuple[Path, Path]:
    if test.input is not None and test.answer is not None:
        return test.input, test.answer
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix=f"cpelo-{_safe(problem_id)}-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o755)  # sandboxed checkers run as another user and read the tests
    inp = test.input or data_dir / f"{index:03d}.in"
    ans = test.answer or data_dir / f"{index:03d}.ans"
    if test.input is None:
        inp.write_bytes(test.read_input())
    if test.answer is None:
        ans.write_bytes(test.read_answer())
    return inp, ans


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:40]
