"""A Kattis package's missing time limit, measured the way problemtools derives it.

The accepted submissions, and the runs submissions.yaml marks ``use_for_time_limit: lower`` (on the
tests it names), are judged under a generous cap, and problemtools' formula
(`kattis.problemtools_time_limit`) turns the slowest into a limit; the result is cached per package
content, so a package is judged for this once. `load_judge_task` is the problem loader plus this
derivation for a package that needs it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path

from contests.errors import FormatError
from contests.expectations import data_names
from contests.formats import kattis
from contests.formats.kattis_submissions import glob_matches
from contests.problem import DerivedTimeLimit, ExpectedVerdict, Problem, Solution, Tests
from contests.problem_loader import effective_time_limit, load_problem, to_judge_task
from judge.batch import Submission, judge_many
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.languages.detect import language_for_file
from judge.languages.registry import get_language
from judge.submission_files import directory_sources
from judge.task import JudgeTask
from judge.verdict import JudgeResult

DERIVATION_CAP = 10.0  # seconds: the limit the accepted submissions run under while being timed
DERIVATION_REPEATS = 3  # runs per accepted submission when deriving a limit; each test counts its fastest


def load_judge_task(
    path: Path,
    *,
    time_limit: float | None = None,
    derive: bool = True,
    judge: JudgeConfig | None = None,
    cache_dir: Path | None = None,
    time_scale: float = 1.0,
) -> JudgeTask:
    """The JudgeTask of the problem at ``path``; ``time_limit`` overrides the problem's own.

    A Kattis package without a time limit gets the one problemtools would derive from its accepted
    submissions: judged once with ``judge`` (this takes a while), then cached under ``cache_dir``
    (None: not cached); ``derive=False``: an error instead. ``time_scale`` multiplies the limit.
    """
    problem = load_problem(Path(path))
    if time_limit is None and effective_time_limit(problem) is None and derive and problem.solutions:
        problem = derived_with_cache(problem, judge or JudgeConfig(), cache_dir)
    return to_judge_task(problem, time_limit=time_limit, time_scale=time_scale)


def derived_with_cache(problem: Problem, judge: JudgeConfig, cache_dir: Path | None) -> Problem:
    """``problem`` with its derived time limit, judged once per package content and cached."""
    if cache_dir is None:
        return measure_time_limit(problem, judge)
    cache = cache_dir / "kattis-time-limits" / f"{_package_key(problem)}.json"
    if cache.is_file():
        try:
            derived = DerivedTimeLimit.model_validate_json(cache.read_text(encoding="utf-8"))
            return problem.model_copy(update={"derived_time_limit": derived})
        except (ValueError, OSError):
            pass  # a damaged cache entry is recomputed
    problem = measure_time_limit(problem, judge)
    assert problem.derived_time_limit is not None
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.part")
    partial.write_text(problem.derived_time_limit.model_dump_json(), encoding="utf-8")
    partial.replace(cache)
    return problem


def _package_key(problem: Problem) -> str:
    """Changes whenever the package's config, accepted submissions or tests change."""
    digest = hashlib.sha256()
    # limits derived by older rules are redone
    digest.update(b"derivation: fastest of repeated runs, lower bounds\0")
    digest.update(str(problem.root).encode())
    digest.update(repr((problem.time_multiplier, problem.safety_margin, problem.memory_limit_mb)).encode())
    timed = [s for s in problem.solutions if lower_bound_tests(problem, s)]
    files = [s.path for s in timed if s.path is not None]
    files += [f for t in problem.tests.all() for f in (t.input, t.answer) if f is not None]
    for file in files:
        st = file.stat()
        digest.update(f"{file}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def why_not_runnable(solution: Solution) -> str | None:
    """Why the judge cannot run this solution here, or None."""
    if solution.name.endswith(".disabled"):
        return "disabled (*.disabled)"
    if solution.path is not None and solution.path.is_dir():
        try:
            chosen = get_language(solution.language) if solution.language is not None else None
            language, _, _ = directory_sources(solution.path, chosen, solution.entrypoint)
        except JudgeError as exc:
            return f"multi-file solution: {str(exc).split(': ', 1)[-1]}"
        availability = language.availability()
        return None if availability.available else availability.reason
    if Path(solution.name).suffix == ".py" and "python2" in solution.read_text()[:200].split("\n")[0]:
        return "Python 2 program (#! python2): no Python 2 runtime"
    try:
        if solution.language is not None:
            language = get_language(solution.language)
        else:
            language = language_for_file(solution.path or Path(solution.name))
    except JudgeError as exc:
        return str(exc).split(";")[0].split(": ", 1)[-1]
    availability = language.availability()
    return None if availability.available else availability.reason


def lower_bound_tests(problem: Problem, solution: Solution) -> list[str]:
    """The tests (data_names) whose runs of ``solution`` bound the time limit from below: the limit
    must exceed its slowest run there. Without submissions.yaml rules: every test of an accepted
    submission. With them (2025-09, "Timelimit inference"): the tests of every rule that does not
    permit TLE or says ``use_for_time_limit: lower``, unless it says ``false``. Deliberately misfiled
    (``*.bad.*``) submissions never count."""
    if solution.mislabelled:
        return []
    names = data_names(problem)
    if not solution.expectations:
        return names if solution.expected is ExpectedVerdict.ACCEPTED else []
    rules = [
        r
        for r in solution.expectations
        if r.use_for_time_limit == "lower"
        or (r.use_for_time_limit is None and r.permitted is not None and "TLE" not in r.permitted)
    ]
    return [n for n in names if any(r.tests is None or glob_matches(r.tests, n) for r in rules)]


def _only(problem: Problem, names: set[str]) -> Problem:
    """``problem`` with only the tests named (data_names)."""
    keep = iter([n in names for n in data_names(problem)])
    groups = {group: [t for t in tests if next(keep)] for group, tests in problem.tests.groups()}
    return problem.model_copy(update={"tests": Tests(**groups)})


def measure_time_limit(problem: Problem, judge: JudgeConfig, *, jobs: int | None = None) -> Problem:
    """A copy of ``problem`` with the time limit problemtools would derive from its accepted submissions
    (and the runs submissions.yaml marks ``use_for_time_limit: lower``, on the tests it names).

    Each timed submission runs DERIVATION_REPEATS times and each test counts its fastest run: load
    only slows a program down, so the minimum is the measurement that holds on another machine."""
    where = problem.root / "problem.yaml" if problem.root is not None else Path(problem.id)
    everything = data_names(problem)
    timed: list[tuple[Solution, Problem]] = []
    for solution in problem.solutions:
        lower = lower_bound_tests(problem, solution)
        if lower and why_not_runnable(solution) is None:
            timed.append((solution, problem if lower == everything else _only(problem, set(lower))))
    if not timed:
        raise FormatError(
            where, "time_limit", "no time limit, and no accepted submission that runs here to derive one"
        )
    with tempfile.TemporaryDirectory(prefix="cpelo-derive-") as scratch:
        tasks = [
            to_judge_task(p, time_limit=DERIVATION_CAP, data_dir=Path(scratch) / str(i))
            for i, (_, p) in enumerate(timed)
        ]
        submissions = [
            Submission(
                task=task,
                source=s.path or s.read_text(),
                language=s.language,
                run_all=True,
                entrypoint=s.entrypoint,
            )
            for _ in range(DERIVATION_REPEATS)
            for (s, _), task in zip(timed, tasks, strict=True)
        ]
        results = judge_many(submissions, jobs=jobs, config=judge)
    runs = [results[i :: len(timed)] for i in range(len(timed))]  # per submission, its repeats
    slowest: dict[str, float] = {}
    for (solution, _), repeats in zip(timed, runs, strict=True):
        # an accepted submission (no rules) must pass; under rules, a lower bound must not time out
        passed = (
            all(str(t.verdict) not in _TIMED_OUT for r in repeats for t in r.tests)
            if solution.expectations
            else all(r.accepted for r in repeats)
        )
        if passed:
            per_test = [min(ts) for ts in zip(*([t.time_s for t in r.tests] for r in repeats), strict=True)]
            slowest[solution.name] = max(per_test, default=0.0)
    if not slowest:
        failures = "; ".join(
            f"{s.name}: {r.summary()}{_why(r)}" for (s, _), r in zip(timed, results, strict=False)
        )
        raise FormatError(
            where, "time_limit", f"cannot derive a time limit: no accepted submission passed ({failures})"
        )
    derived = kattis.problemtools_time_limit(
        max(slowest.values()),
        problem.time_multiplier or kattis.DEFAULT_TIME_MULTIPLIER,
        problem.safety_margin or kattis.DEFAULT_SAFETY_MARGIN,
        measured_with=f"cpelo judge ({judge.sandbox.backend} sandbox) on {platform.node()}, "
        f"{len(slowest)} timed submissions",
    )
    derived.runtimes = slowest
    derived.repeats = DERIVATION_REPEATS
    return problem.model_copy(update={"derived_time_limit": derived})


_TIMED_OUT = ("TIME_LIMIT_EXCEEDED", "IDLENESS_LIMIT_EXCEEDED")


def _why(result: JudgeResult) -> str:
    """The first line that says why a judging failed (a compiler's first error, the checker's words)."""
    text = result.compile_log or (result.tests[-1].checker_message if result.tests else "")
    line = first_error_line(text)
    return f" - {line}" if line else ""


def first_error_line(text: str) -> str:
    """The first line mentioning an error (else the first line): what a one-line message should show."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chosen = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
    return chosen[:240]


def deriver_for_import(judge: JudgeConfig, jobs: int | None = None) -> Callable[[Problem], Problem]:
    """The importer's time-limit deriver: measure every package that lacks a limit."""

    def derive(problem: Problem) -> Problem:
        return measure_time_limit(problem, judge, jobs=jobs)

    return derive
