"""Judging one submission: compile once, run the tests in order in the sandbox, check each output.

Sandbox status -> verdict: TIME_LIMIT -> TIME_LIMIT_EXCEEDED, MEMORY_LIMIT -> MEMORY_LIMIT_EXCEEDED,
IDLE_LIMIT -> IDLENESS_LIMIT_EXCEEDED, OUTPUT_LIMIT -> OUTPUT_LIMIT_EXCEEDED, NONZERO_EXIT/SIGNALED ->
RUNTIME_ERROR, SANDBOX_ERROR -> JUDGE_ERROR; a clean exit goes to the checker.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sandbox
from judge.box import run_box, run_stdin
from judge.checkers.checker import Checker, prepare_checker
from judge.checkers.external import ExternalChecker, describe_failure, feedback_dir, next_pass_input
from judge.checkers.outcome import CheckOutcome
from judge.compile_cache import CompileCache
from judge.compiler import Program, SandboxFailure, _open_permissions, compile_program
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.helper_programs import build_program
from judge.interactive import InteractiveRun, Interactor, run_interactive
from judge.languages import get_language, language_for_file
from judge.languages.base import Language
from judge.submission_files import directory_sources
from judge.task import CheckerKind, InteractorProtocol, JudgeTask, TestCase
from judge.time_limits import CONFIRM_RUNS, faster, hard_limit, landed_near_the_limit
from judge.verdict import MESSAGE_LIMIT, JudgeResult, TestResult, Verdict
from sandbox import RunResult, SandboxConfig, Status

_STATUS_VERDICT = {
    Status.TIME_LIMIT: Verdict.TIME_LIMIT_EXCEEDED,
    Status.MEMORY_LIMIT: Verdict.MEMORY_LIMIT_EXCEEDED,
    Status.IDLE_LIMIT: Verdict.IDLENESS_LIMIT_EXCEEDED,
    Status.OUTPUT_LIMIT: Verdict.OUTPUT_LIMIT_EXCEEDED,
    Status.NONZERO_EXIT: Verdict.RUNTIME_ERROR,
    Status.SIGNALED: Verdict.RUNTIME_ERROR,
    Status.SANDBOX_ERROR: Verdict.JUDGE_ERROR,
}
_STDERR_TAIL = 4096


def run_verdict(language: Language, result: RunResult, output_tail: bytes, task: JudgeTask) -> Verdict | None:
    """The verdict a run earns by itself, or None when its output should go to the checker.

    The sandbox's CPU limit is the hard one (judge.time_limits): a run that used more than the task's
    time limit is TLE whatever happened after, as in DOMjudge. One rule for every language: a run whose
    measured peak is over the task's memory limit is MEMORY_LIMIT_EXCEEDED, however it ended (a
    language's sandbox limit may allow more than the task's, e.g. room for a runtime to fail cleanly;
    what the program used is what counts)."""
    ran_out = result.status in (Status.OK, Status.NONZERO_EXIT, Status.SIGNALED, Status.MEMORY_LIMIT)
    if ran_out and result.cpu_time > task.time_limit:
        return Verdict.TIME_LIMIT_EXCEEDED
    if result.status is Status.OK:
        if result.peak_memory > task.memory_limit:
            return Verdict.MEMORY_LIMIT_EXCEEDED
        # Truncated output (output_overflow "truncate") of a run that ended well: DOMjudge's output-limit.
        return Verdict.OUTPUT_LIMIT_EXCEEDED if result.stdout_bytes > task.output_limit else None
    failed = result.status in (Status.NONZERO_EXIT, Status.SIGNALED)
    if failed and (language.memory_exceeded(result, output_tail) or result.peak_memory > task.memory_limit):
        return Verdict.MEMORY_LIMIT_EXCEEDED
    return _STATUS_VERDICT[result.status]


def solution_limits(language: Language, task: JudgeTask) -> sandbox.Limits:
    """The language's limits for the task. The wall-clock limit stays the sandbox's 2 x TL + 1 s: the
    sandbox does not count time spent waiting for a core as idle (schedstat run_delay), so a busy
    program starved of a CPU on a loaded host still reaches its CPU limit (TLE) instead of IDLENESS."""
    limits = language.run_limits(hard_limit(task.time_limit), task.memory_limit, task.output_limit)
    # An interactive solution's stdout is the interactor's input: it is never truncated.
    if task.output_overflow == "truncate" and task.interactor is None:
        limits = limits.model_copy(update={"stdout_truncate": True})
    return limits


def _tail(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            f.seek(max(0, size - _STDERR_TAIL))
            return f.read()
    except OSError:
        return b""


@dataclass
class _Submission:
    """Everything the tests of one submission share."""

    task: JudgeTask
    language: Language
    home: Path  # the installed program
    work: Path  # judge-side scratch (outputs, checker files)
    boxes: Path  # where each run's fresh, empty work dir is made (judge.box)
    checker: Checker
    interactor: Interactor | None
    config: SandboxConfig


class Judge:
    """A judge with its compile cache and sandbox configuration; thread-safe, reusable."""

    def __init__(self, config: JudgeConfig | None = None) -> None:
        self.config = config or JudgeConfig()
        self.cache = CompileCache(
            self.config.compile_cache,
            max_bytes=self.config.compile_cache_max_bytes,
            max_entry_bytes=min(self.config.compile_cache_max_entry_bytes, self.config.max_program_bytes),
        )
        self.sandbox_config = self.config.sandbox

    def judge(
        self,
        task: JudgeTask,
        source: str | Path,
        language: str | Language | None = None,
        *,
        run_all: bool = False,
        entrypoint: str | None = None,
    ) -> JudgeResult:
        """Judge ``source`` (program text, a Path to read, or a directory of files whose main one is
        ``entrypoint`` when given) against every test of ``task``, in order."""
        lang, files, code = self._files(source, language, entrypoint)
        work_root = self.config.work_dir
        if work_root is not None:
            work_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="cpelo-judge-", dir=work_root) as tmp:
            work = Path(tmp)
            work.chmod(0o755)
            try:
                program = self._compile(lang, files, code, work)
            except SandboxFailure as exc:
                return JudgeResult.judge_error(str(exc), lang.id)
            if not program.ok:
                return JudgeResult(
                    verdict=Verdict.COMPILATION_ERROR, failed_test=None, time_s=0.0, memory_bytes=0,
                    language=lang.id, tests=[], compile_log=program.log,
                )  # fmt: skip
            sub = self._prepare(task, lang, program.install(work / "program"), work)
            results: list[TestResult] = []
            for test in task.tests:
                result = self._run_test(sub, test)
                results.append(result)
                if result.verdict is not Verdict.OK and not run_all:
                    break
            judged = JudgeResult.from_tests(results, language=lang.id, compile_log=program.log)
            return judged.model_copy(
                update={"time_limit_s": task.time_limit, "time_limit_origin": task.time_limit_origin}
            )

    def compile(self, source: str | Path, language: str | Language | None = None) -> Program:
        """Compile a submission (or fetch it from the cache) without running it."""
        return self._compile(*self._files(source, language), None)

    def _compile(self, lang: Language, files: dict[str, bytes], code: str, work_root: Path | None) -> Program:
        return compile_program(
            lang,
            files,
            cache=self.cache,
            config=self.sandbox_config,
            main_code=code,
            work_root=work_root,
            max_program_bytes=self.config.max_program_bytes,
        )

    def _files(
        self, source: str | Path, language: str | Language | None, entrypoint: str | None = None
    ) -> tuple[Language, dict[str, bytes], str]:
        """The language, the files to build and the main file's text of a submission (program text, a
        source file, or a directory of files: judge.submission_files)."""
        if isinstance(source, Path) and source.is_dir():
            chosen = None if language is None else self._language(source, language)
            return directory_sources(source, chosen, entrypoint)
        lang, code = self._source(source, language)
        return lang, {lang.source_filename(code): code.encode()}, code

    def _source(self, source: str | Path, language: str | Language | None) -> tuple[Language, str]:
        """The language and the program text of a submission given as text or as a file."""
        lang = self._language(source, language)
        code = source.read_text(encoding="utf-8", errors="replace") if isinstance(source, Path) else source
        return lang, code

    def _language(self, source: str | Path, language: str | Language | None) -> Language:
        if isinstance(language, Language):
            return language
        if language:
            return get_language(language)
        if isinstance(source, Path):
            return language_for_file(source)
        raise JudgeError("the language of a source given as text must be named (language=...)")

    def _prepare(self, task: JudgeTask, lang: Language, home: Path, work: Path) -> _Submission:
        boxes = work / "boxes"
        boxes.mkdir()
        (work / "out").mkdir()
        _open_permissions(work / "out", writable=True)
        checker = prepare_checker(
            task.checker, time_limit=task.time_limit, cache=self.cache, config=self.sandbox_config, work=work
        )
        interactor = None
        if task.interactor is not None:
            spec = task.interactor
            inter_prog = build_program(
                spec.source, spec.language, spec.include_dirs, cache=self.cache, config=self.sandbox_config,
                work_root=work, what="interactor",
            )  # fmt: skip
            interactor = Interactor(
                spec,
                inter_prog,
                inter_prog.install(work / "interactor-program"),
                self.sandbox_config,
                task.time_limit,
            )
        return _Submission(task, lang, home, work, boxes, checker, interactor, self.sandbox_config)

    def _run_test(self, sub: _Submission, test: TestCase) -> TestResult:
        """One test; a multi-pass task runs the solution again on each nextpass.in its validator writes
        (the limits hold per pass; the result shows the slowest pass and the largest memory)."""
        passes = sub.task.validation_passes
        pass_input = test.input
        worst: TestResult | None = None
        for number in range(1, passes + 1):
            next_pass_input(sub.work).unlink(missing_ok=True)
            result = self._run_pass(sub, test, pass_input, keep_feedback=number > 1)
            if worst is not None:
                result = result.model_copy(
                    update={
                        "time_s": max(result.time_s, worst.time_s),
                        "wall_s": max(result.wall_s, worst.wall_s),
                        "memory_bytes": max(result.memory_bytes, worst.memory_bytes),
                    }
                )
            worst = result
            following = next_pass_input(sub.work)
            if passes == 1 or not following.exists():
                break
            if result.verdict is not Verdict.OK:
                return result.model_copy(
                    update={
                        "verdict": Verdict.JUDGE_ERROR,
                        "checker_message": f"pass {number}: the validator wrote nextpass.in but did not "
                        f"accept; {result.checker_message}"[:2000],
                    }
                )
            if number == passes:
                return result.model_copy(
                    update={
                        "verdict": Verdict.JUDGE_ERROR,
                        "checker_message": f"the validator asked for pass {number + 1}, beyond "
                        f"limits.validation_passes = {passes}",
                    }
                )
            pass_input = sub.work / "out" / f"pass{number + 1}.in"
            following.replace(pass_input)
            pass_input.chmod(0o644)
        assert worst is not None
        if passes > 1 and worst.verdict is not Verdict.OK:
            message = f"pass {number}: {worst.checker_message}"[:2000]
            worst = worst.model_copy(update={"checker_message": message})
        return worst

    def _run_pass(
        self, sub: _Submission, test: TestCase, pass_input: Path, *, keep_feedback: bool
    ) -> TestResult:
        task, lang = sub.task, sub.language
        limits = solution_limits(lang, task)
        argv = lang.run_argv(sub.home, task.memory_limit)
        env = lang.run_env(sub.home)
        stderr = sub.work / "out" / "solution.err"
        _fresh_files(stderr)
        if sub.interactor is not None:
            return self._run_interactive(sub, test, argv, limits, env, stderr, pass_input, keep_feedback)
        # A run over the time limit that ended short of the hard limit is run again; the fastest counts.
        fresh = self.config.fresh_box
        output, result, runs = sub.work / "out" / "solution.out", None, 0
        while result is None or (landed_near_the_limit(result, task.time_limit) and runs <= CONFIRM_RUNS):
            attempt = sub.work / "out" / f"solution.{runs}.out"
            _fresh_files(attempt)
            with (
                run_box(sub.boxes / "solution", fresh=fresh) as box,
                run_stdin(pass_input, neutral=fresh) as stdin,
            ):
                run = sandbox.run(
                    argv,
                    limits,
                    workdir=box,
                    stdin=stdin,
                    stdout=attempt,
                    stderr=stderr,
                    env=env,
                    readonly_paths=[sub.home],
                    config=sub.config,
                    copy_back=not fresh,
                )
            runs += 1
            if result is None or faster(run, result):
                result, output = run, attempt
        verdict = run_verdict(lang, result, _tail(stderr) + _tail(output), task)
        if verdict is not None:
            return _test_result(test, result, verdict, _failure_message(result, stderr), runs)
        if isinstance(sub.checker, ExternalChecker):
            outcome = sub.checker.check(
                test, output, sub.work, input_file=pass_input, keep_feedback=keep_feedback
            )
        else:
            outcome = sub.checker.check(test, output, sub.work)
        return _test_result(test, result, outcome.verdict, outcome.message, runs)

    def _run_interactive(
        self, sub: _Submission, test: TestCase, argv: list[str], limits: sandbox.Limits, env: dict[str, str],
        stderr: Path, pass_input: Path, keep_feedback: bool,
    ) -> TestResult:  # fmt: skip
        assert sub.interactor is not None
        fresh = self.config.fresh_box
        # As for a plain run: a run over the time limit that ended short of the hard limit is run again
        # (solution and interactor afresh) and the fastest counts. A later pass starts each attempt
        # from the feedback the earlier passes left, and keeps the fastest attempt's.
        feedback = feedback_dir(sub.work)
        before, kept = sub.work / "feedback.before", sub.work / "feedback.kept"
        for scratch in (before, kept):
            shutil.rmtree(scratch, ignore_errors=True)
        if keep_feedback and feedback.is_dir():
            shutil.copytree(feedback, before, symlinks=True)
        run: InteractiveRun | None = None
        attempts, last_kept = 0, True
        while run is None or (
            landed_near_the_limit(run.solution, sub.task.time_limit) and attempts <= CONFIRM_RUNS
        ):
            if attempts and before.is_dir():
                shutil.rmtree(feedback, ignore_errors=True)
                shutil.copytree(before, feedback, symlinks=True)
            with (
                run_box(sub.boxes / "solution", fresh=fresh) as sol_box,
                run_box(sub.boxes / "interactor", fresh=True) as inter_box,
            ):
                attempt = run_interactive(
                    sub.interactor, test, solution_argv=argv, solution_limits=limits, solution_env=env,
                    solution_home=sub.home, solution_stderr=stderr, solution_box=sol_box,
                    interactor_box=inter_box, work=sub.work, input_file=pass_input,
                    keep_feedback=keep_feedback, copy_back=not fresh,
                )  # fmt: skip
            attempts += 1
            last_kept = run is None or faster(attempt.solution, run.solution)
            if last_kept:
                run = attempt
                if landed_near_the_limit(attempt.solution, sub.task.time_limit):
                    shutil.rmtree(kept, ignore_errors=True)
                    shutil.copytree(feedback, kept, symlinks=True)
        if not last_kept and kept.is_dir():
            shutil.rmtree(feedback, ignore_errors=True)
            kept.rename(feedback)
        assert run is not None
        sol = run.solution
        own = run_verdict(sub.language, sol, _tail(stderr), sub.task)
        inter = run.outcome
        message = f"{inter.message} [interactor: {run.interactor.cpu_time:.3f} s CPU]".strip()
        if own is not None and (run.solution_first or inter.verdict is Verdict.OK):
            detail = f"{_failure_message(sol, stderr)}; interactor: {inter.message}"
            return _test_result(test, sol, own, detail, attempts)
        if inter.verdict is not Verdict.OK:
            return _test_result(test, sol, inter.verdict, message, attempts)
        if own is not None:
            return _test_result(test, sol, own, _failure_message(sol, stderr), attempts)
        checker = sub.checker
        if (
            sub.interactor.spec.protocol is InteractorProtocol.TESTLIB
            and isinstance(checker, ExternalChecker)
            and checker.spec.kind is CheckerKind.TESTLIB
        ):
            outcome: CheckOutcome = checker.check(test, run.interactor_output, sub.work)
            return _test_result(test, sol, outcome.verdict, outcome.message, attempts)
        return _test_result(test, sol, Verdict.OK, message, attempts)


def _fresh_files(*paths: Path) -> None:
    """Remove last test's output files: the sandbox then creates them anew. Truncating a written file
    instead costs about 2.5 ms on ext4 (its auto_da_alloc flushes the old data at close), a quarter of
    a whole test's cost on a busy host."""
    for path in paths:
        path.unlink(missing_ok=True)


def _failure_message(result: RunResult, stderr: Path) -> str:
    detail = describe_failure(result)
    tail = _tail(stderr).decode("utf-8", "replace").strip().splitlines()
    return f"{detail}: {tail[-1][:300]}" if tail else detail


def _test_result(
    test: TestCase, result: RunResult, verdict: Verdict, message: str, runs: int = 1
) -> TestResult:
    return TestResult(
        index=test.index,
        verdict=verdict,
        time_s=round(result.cpu_time, 4),
        wall_s=round(result.wall_time, 4),
        memory_bytes=result.peak_memory,
        checker_message=message[:MESSAGE_LIMIT],
        runs=runs,
    )


def judge(
    task: JudgeTask,
    source: str | Path,
    language: str | Language | None = None,
    *,
    run_all: bool = False,
    config: JudgeConfig | None = None,
) -> JudgeResult:
    """Judge one submission (see ``Judge.judge``) with a ``Judge`` built for this call."""
    return Judge(config).judge(task, source, language, run_all=run_all)
