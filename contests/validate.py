"""``cpelo contests validate``: is a contest (or problem, or Kattis package) fit to judge?

Every test present and readable, the checker and interactor compile, a time limit, and every jury
solution gets a verdict consistent with the directory it sits in. Also derives a Kattis package's
time limit the way problemtools does, from the accepted submissions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contests.errors import ContestError
from contests.expectations import TestOutcome, data_names, unmet
from contests.formats import native
from contests.formats.kattis import DEFAULT_TIME_LIMIT_TO_TLE
from contests.problem import ExpectedVerdict, Problem, Solution
from contests.problem_loader import load_problem, to_judge_task
from contests.time_limits import first_error_line, measure_time_limit, why_not_runnable
from judge.batch import Submission, judge_many
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.helper_programs import build_program
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import JudgeResult, Verdict

# Verdicts (judge.verdict.Verdict values) consistent with each expected-verdict directory.
CONSISTENT: dict[ExpectedVerdict, frozenset[str]] = {
    ExpectedVerdict.ACCEPTED: frozenset({"OK"}),
    ExpectedVerdict.SLOW_ACCEPTED: frozenset({"OK", "TIME_LIMIT_EXCEEDED", "IDLENESS_LIMIT_EXCEEDED"}),
    ExpectedVerdict.WRONG_ANSWER: frozenset({"WRONG_ANSWER", "PRESENTATION_ERROR"}),
    ExpectedVerdict.PRESENTATION_ERROR: frozenset({"PRESENTATION_ERROR"}),
    ExpectedVerdict.TIME_LIMIT_EXCEEDED: frozenset({"TIME_LIMIT_EXCEEDED", "IDLENESS_LIMIT_EXCEEDED"}),
    # Kattis reports memory exhaustion as a run-time error
    ExpectedVerdict.RUN_TIME_ERROR: frozenset({"RUNTIME_ERROR", "MEMORY_LIMIT_EXCEEDED"}),
    ExpectedVerdict.MEMORY_LIMIT_EXCEEDED: frozenset({"MEMORY_LIMIT_EXCEEDED", "RUNTIME_ERROR"}),
    ExpectedVerdict.REJECTED: frozenset(
        {
            "WRONG_ANSWER",
            "PRESENTATION_ERROR",
            "TIME_LIMIT_EXCEEDED",
            "MEMORY_LIMIT_EXCEEDED",
            "RUNTIME_ERROR",
            "IDLENESS_LIMIT_EXCEEDED",
            "OUTPUT_LIMIT_EXCEEDED",
        }
    ),
}
CONSISTENT[ExpectedVerdict.PARTIALLY_ACCEPTED] = CONSISTENT[ExpectedVerdict.REJECTED]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problem: str
    severity: Literal["error", "warning"]
    message: str


class SolutionCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problem: str
    solution: str
    expected: str
    verdict: str = Field(description="the judge's summary, e.g. 'WRONG_ANSWER on test 3', or 'skipped'")
    time_s: float = 0.0
    consistent: bool | None = Field(description="None: not judged (no runtime for its language)")
    note: str = ""


class ValidationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str
    problems: int = 0
    tests: int = 0
    findings: list[Finding] = Field(default_factory=list)
    solutions: list[SolutionCheck] = Field(default_factory=list)
    derived_time_limits: dict[str, float] = Field(default_factory=dict)
    time_scale: float = Field(1.0, description="every time limit was multiplied by this (--time-scale)")

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings) and all(
            s.consistent is not False for s in self.solutions
        )

    def render(self) -> str:
        lines = [f"{self.target}: {self.problems} problem(s), {self.tests} tests"]
        if self.time_scale != 1.0:
            lines.append(f"  time limits x {self.time_scale:g} (--time-scale)")
        for problem, limit in self.derived_time_limits.items():
            lines.append(f"  {problem}: derived time limit {limit:g} s (problemtools rule)")
        for check in self.solutions:
            mark = {True: "ok  ", False: "FAIL", None: "skip"}[check.consistent]
            extra = f"  ({check.note})" if check.note else ""
            lines.append(
                f"  [{mark}] {check.problem} {check.expected}/{check.solution}: {check.verdict}"
                f" {check.time_s:.2f}s{extra}"
            )
        for finding in self.findings:
            lines.append(f"  {finding.severity}: {finding.problem}: {finding.message}")
        judged = [s for s in self.solutions if s.consistent is not None]
        bad = sum(1 for s in judged if not s.consistent)
        lines.append(
            f"{'OK' if self.ok else 'PROBLEMS FOUND'}: {len(judged)} solutions judged, {bad} inconsistent, "
            f"{len(self.solutions) - len(judged)} skipped, "
            f"{sum(1 for f in self.findings if f.severity == 'error')} errors"
        )
        return "\n".join(lines)


Progress = Callable[[str], None]


def problems_at(path: Path) -> list[Problem]:
    """The problems of a contest dir, or the one problem of a problem dir / Kattis package."""
    path = Path(path)
    if native.is_contest_dir(path):
        return native.read_contest(path).problems
    return [load_problem(path)]


def validate(
    path: Path,
    *,
    judge_solutions: bool = True,
    jobs: int | None = None,
    on_progress: Progress | None = None,
    judge: JudgeConfig | None = None,
    time_scale: float = 1.0,
) -> ValidationReport:
    """Check the contest, problem or package at ``path``; with ``judge_solutions``, judge with ``judge``."""
    report = ValidationReport(target=str(path), time_scale=time_scale)
    try:
        problems = problems_at(path)
    except ContestError as exc:
        report.findings.append(Finding(problem=str(path), severity="error", message=str(exc)))
        return report
    report.problems = len(problems)
    config = (judge or JudgeConfig()) if judge_solutions else None
    with tempfile.TemporaryDirectory(prefix="cpelo-validate-") as scratch:
        Path(scratch).chmod(0o755)  # sandboxed checkers (another uid) read tests materialized here
        for position, problem in enumerate(problems):
            _validate_problem(
                problem, report, config, Path(scratch) / str(position), jobs=jobs, on_progress=on_progress
            )
    return report


def _validate_problem(
    problem: Problem,
    report: ValidationReport,
    config: JudgeConfig | None,
    scratch: Path,
    *,
    jobs: int | None,
    on_progress: Progress | None,
) -> None:
    label = problem.index or problem.id
    report.tests += len(problem.tests.all())
    _check_tests(problem, label, report)
    if config is None:
        return
    if not _check_programs(problem, label, report, Judge(config), scratch / "programs"):
        return
    if problem.time_limit is None and problem.derived_time_limit is None:
        try:
            problem = measure_time_limit(problem, config, jobs=jobs)
        except ContestError as exc:
            report.findings.append(Finding(problem=label, severity="error", message=str(exc)))
            return
        assert problem.derived_time_limit is not None
        report.derived_time_limits[label] = float(problem.derived_time_limit.time_limit)
    _check_solutions(problem, label, report, config, jobs, on_progress, scratch / "solutions")


def _check_tests(problem: Problem, label: str, report: ValidationReport) -> None:
    if not problem.tests.all():
        report.findings.append(Finding(problem=label, severity="error", message="no tests"))
    for group, tests in problem.tests.groups():
        for test in tests:
            for kind, file in (("input", test.input), ("answer", test.answer)):
                if file is None:
                    continue
                try:
                    with file.open("rb") as handle:
                        handle.read(1)
                except OSError as exc:
                    report.findings.append(
                        Finding(
                            problem=label,
                            severity="error",
                            message=f"test {group}/{test.name}: {kind} {file} unreadable ({exc.strerror})",
                        )
                    )
    if problem.time_limit is None and problem.derived_time_limit is None and not problem.solutions:
        report.findings.append(
            Finding(
                problem=label,
                severity="error",
                message="no time limit and no accepted solution to derive one",
            )
        )
    for note in problem.notes:
        report.findings.append(Finding(problem=label, severity="warning", message=note))


def _check_programs(
    problem: Problem, label: str, report: ValidationReport, judge: Judge, scratch: Path
) -> bool:
    """Compile the checker and the interactor; False when one does not."""
    scratch.mkdir(parents=True, exist_ok=True)
    task = to_judge_task(problem, time_limit=problem.time_limit or 1.0, data_dir=scratch)
    ok = True
    programs = []
    if task.checker.source is not None:
        programs.append(("checker", task.checker.source, task.checker.language, task.checker.include_dirs))
    if task.interactor is not None:
        i = task.interactor
        programs.append(("interactor", i.source, i.language, i.include_dirs))
    for what, source, language, include in programs:
        try:
            with tempfile.TemporaryDirectory(prefix="cpelo-validate-", dir=scratch.parent) as work:
                build_program(
                    source,
                    language,
                    include,
                    cache=judge.cache,
                    config=judge.sandbox_config,
                    work_root=Path(work),
                    what=what,
                )
        except JudgeError as exc:
            ok = False
            lines = str(exc).splitlines()
            message = lines[0] if lines else type(exc).__name__
            detail = first_error_line("\n".join(lines[1:]))
            if detail:
                message = f"{message} {detail}"
            report.findings.append(Finding(problem=label, severity="error", message=f"{what}: {message}"))
    return ok


def _source(solution: Solution) -> tuple[str | Path, str | None]:
    if solution.path is not None:
        return solution.path, solution.language
    return solution.read_text(), solution.language


def _check_solutions(
    problem: Problem,
    label: str,
    report: ValidationReport,
    config: JudgeConfig,
    jobs: int | None,
    on_progress: Progress | None,
    scratch: Path,
) -> None:
    runnable: list[Solution] = []
    for solution in problem.solutions:
        reason = why_not_runnable(solution)
        if reason is not None:
            report.solutions.append(
                SolutionCheck(
                    problem=label,
                    solution=solution.name,
                    expected=solution.expected.value,
                    verdict="skipped",
                    consistent=None,
                    note=reason,
                )
            )
        else:
            runnable.append(solution)
    if not runnable:
        return
    task = to_judge_task(problem, data_dir=scratch, time_scale=report.time_scale)
    # submissions.yaml rules speak of every test: those submissions run them all.
    submissions = [
        Submission(
            task=task, source=src, language=lang, run_all=bool(sol.expectations), entrypoint=sol.entrypoint
        )
        for sol, (src, lang) in zip(runnable, map(_source, runnable), strict=True)
    ]

    def progress(position: int, result: JudgeResult) -> None:
        if on_progress is not None:
            on_progress(f"{label} {runnable[position].name}: {result.summary()}")

    results = judge_many(submissions, jobs=jobs, config=config, on_result=progress)
    for solution, result in zip(runnable, results, strict=True):
        verdict = str(result.verdict)
        note = ""
        if verdict == "IDLENESS_LIMIT_EXCEEDED" and result.time_s < task.time_limit:
            note = (
                f"wall-clock limit hit after {result.time_s:.2f}s CPU < {task.time_limit:g}s: "
                "a busy machine (try fewer --jobs) or a sleeping program"
            )
        if verdict in ("JUDGE_ERROR", "COMPILATION_ERROR"):
            note = (result.compile_log or "").strip().splitlines()[0][:200] if result.compile_log else ""
            if not note and result.tests:
                note = result.tests[-1].checker_message[:200]
        consistent, why = _consistent(problem, solution, result)
        upper = problem.origin_format == "kattis" and _bounds_from_above(solution)
        if not consistent and upper and result.verdict is Verdict.OK:
            note = "; ".join(n for n in (note, _upper_bound_note(problem, task, result)) if n)
        report.solutions.append(
            SolutionCheck(
                problem=label,
                solution=solution.name,
                expected=solution.expected.value,
                verdict=result.summary(),
                time_s=result.time_s,
                consistent=consistent,
                note="; ".join(n for n in (why, note) if n),
            )
        )
    _check_safety_margin(problem, label, report, config, jobs, task, runnable, results)


def _consistent(problem: Problem, solution: Solution, result: JudgeResult) -> tuple[bool, str]:
    """Whether the verdict agrees with the solution's label, and why not (or what was special)."""
    verdict = str(result.verdict)
    if solution.expectations:
        names = data_names(problem)
        outcomes = [
            TestOutcome(names[t.index - 1], str(t.verdict), t.checker_message)
            for t in result.tests
            if t.index <= len(names)
        ]
        broken = unmet(solution.expectations, outcomes) if result.tests else f"no test judged ({verdict})"
        agrees, why = broken is None, f"submissions.yaml: {broken}" if broken else ""
    else:
        agrees, why = verdict in CONSISTENT.get(solution.expected, frozenset()), ""
    if solution.mislabelled:
        # BAPCtools' *.bad.* submissions are filed under the wrong verdict on purpose: the judge must
        # notice, so a disagreement is what is consistent here.
        return not agrees, "deliberately mislabelled (*.bad.*): must disagree with its directory"
    return agrees, why


def _bounds_from_above(solution: Solution) -> bool:
    """Whether the submission must time out (the 2025-09 format: it bounds the time limit from above)."""
    if not solution.expectations:
        return solution.expected is ExpectedVerdict.TIME_LIMIT_EXCEEDED
    return any(
        rule.use_for_time_limit == "upper" or (rule.use_for_time_limit is None and rule.required == ["TLE"])
        for rule in solution.expectations
    )


def _upper_bound_note(problem: Problem, task: JudgeTask, result: JudgeResult) -> str:
    """Why a must-time-out submission that passed is the package's own inconsistency: its slowest run
    (a multi-pass test's slowest pass: limits hold for each invocation separately) bounds the limit
    from above, time_limit <= T / time_limit_to_tle, and the package's limit is over that bound."""
    tle = problem.safety_margin or DEFAULT_TIME_LIMIT_TO_TLE
    slowest = result.time_s
    per = " (slowest pass; the limit holds per pass)" if task.validation_passes > 1 else ""
    return (
        f"slowest run {slowest:.2f}s{per} is under the {task.time_limit:g}s limit; the format's upper "
        f"bound from it, {slowest:.2f}s / time_limit_to_tle {tle:g} = {slowest / tle:.2f}s, is below "
        f"the package's {task.time_limit:g}s: the label contradicts the package's own time limit"
    )


def _check_safety_margin(
    problem: Problem,
    label: str,
    report: ValidationReport,
    config: JudgeConfig,
    jobs: int | None,
    task: JudgeTask,
    solutions: list[Solution],
    results: list[JudgeResult],
) -> None:
    """problemtools re-judges too-slow submissions with the safety margin as the limit; one that passes
    then is "sensitive to time limit": a warning, as there, not an inconsistency."""
    margin = tle_margin(problem)
    if margin is None or margin <= task.time_limit:
        return
    slow = [
        s
        for s, r in zip(solutions, results, strict=True)
        if s.expected is ExpectedVerdict.TIME_LIMIT_EXCEEDED and str(r.verdict) in CONSISTENT[s.expected]
    ]
    if not slow:
        return
    relaxed = task.model_copy(update={"time_limit": margin})
    again = judge_many(
        [
            Submission(task=relaxed, source=src, language=lang, entrypoint=s.entrypoint)
            for s, (src, lang) in zip(slow, map(_source, slow), strict=True)
        ],
        jobs=jobs,
        config=config,
    )
    for solution, result in zip(slow, again, strict=True):
        if str(result.verdict) not in CONSISTENT[ExpectedVerdict.TIME_LIMIT_EXCEEDED]:
            report.findings.append(
                Finding(
                    problem=label,
                    severity="warning",
                    message=f"time_limit_exceeded/{solution.name} is sensitive to the time limit: "
                    f"too slow at {task.time_limit:g}s but {result.summary()} "
                    f"at the {margin:g}s safety margin ({result.time_s:.2f}s)",
                )
            )


def tle_margin(problem: Problem) -> float | None:
    """Kattis: how slow a too-slow submission must still be (problemtools' timelim_margin); else None."""
    if problem.derived_time_limit is not None and problem.time_limit is None:
        return float(problem.derived_time_limit.tle_margin)
    if problem.safety_margin is not None and problem.time_limit is not None:
        # a fixed limit (.timelimit): problemtools uses time limit x safety margin
        return problem.time_limit * problem.safety_margin
    return None


__all__: Sequence[str] = ["ValidationReport", "validate"]
