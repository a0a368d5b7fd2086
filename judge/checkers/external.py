"""Problem-supplied checker programs, run in the sandbox for each test, and what their exits mean.

testlib protocol: ``checker input output answer`` (exit 0 OK, 1 WA, 2 PE, 3 FAIL, 4 dirt, 7 points,
8 unexpected EOF, 16+ partially). Kattis protocol: ``validator input answer feedback_dir [flags] <
output`` (exit 42 accepted, 43 wrong answer). A checker that crashes, runs out of limits or says FAIL
gives JUDGE_ERROR with its message: the contestant is never blamed for a broken checker. Interactors
speak the same exit protocols, so ``judge.interactive`` reads their exits with the same functions.
"""

from __future__ import annotations

import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import sandbox
from judge.checkers.outcome import CheckOutcome
from judge.compiler import Program
from judge.helper_programs import helper_limits
from judge.task import CheckerKind, CheckerSpec, TestCase
from judge.verdict import MESSAGE_LIMIT, Verdict
from sandbox import MiB, RunResult, SandboxConfig, Status

KATTIS_ACCEPT, KATTIS_WRONG = 42, 43


def describe_failure(result: RunResult) -> str:
    if result.status is Status.SIGNALED and result.signal is not None:
        try:
            name = signal.Signals(result.signal).name
        except ValueError:
            name = str(result.signal)
        return f"killed by signal {result.signal} ({name})"
    if result.status is Status.NONZERO_EXIT:
        return f"exit code {result.exit_code}"
    return f"{result.status} ({result.killed_by or result.message})"


def read_message(path: Path) -> str:
    """The start of what a helper wrote to ``path`` (kept per test), or "" when there is nothing."""
    try:
        with open(path, "rb") as f:  # a checker may write far more than we keep
            data = f.read(MESSAGE_LIMIT)
    except OSError:
        return ""
    return data[:MESSAGE_LIMIT].decode("utf-8", "replace").strip()


@dataclass
class ExternalChecker:
    """A compiled testlib checker or Kattis output validator, run in the sandbox for each test."""

    spec: CheckerSpec
    program: Program
    home: Path  # installed copy of the program, visible to the sandbox
    config: SandboxConfig
    time_limit: float

    def check(
        self,
        test: TestCase,
        output: Path,
        work: Path,
        *,
        input_file: Path | None = None,
        keep_feedback: bool = False,
    ) -> CheckOutcome:
        """``input_file``: this pass's input (multi-pass), else the test's; ``keep_feedback``: later
        passes keep the validator's feedback files (all but nextpass.in, which the judge moved away)."""
        inp = (input_file or test.input).resolve()
        ans, out = test.answer.resolve(), output.resolve()
        argv_base = self.program.language.run_argv(self.home, 1024 * MiB)
        limits = helper_limits(self.time_limit, self.spec.time_limit)
        stderr = work / "checker.err"
        stdout = work / "checker.out"
        for written in (stderr, stdout):  # made anew: truncating a written file is slow on ext4 (~2.5 ms)
            written.unlink(missing_ok=True)
        mounts = sorted({inp, ans, out, self.home})
        # An empty work dir, left empty (copy_back=False): the checker sees only what it is given.
        box = work / "checker-box"
        box.mkdir(mode=0o755, exist_ok=True)
        if self.spec.kind is CheckerKind.TESTLIB:
            result = sandbox.run(
                [*argv_base, str(inp), str(out), str(ans), *self.spec.flags],
                limits,
                workdir=box,
                stdout=stdout,
                stderr=stderr,
                readonly_paths=mounts,
                config=self.config,
                copy_back=False,
            )
            return read_testlib_exit(result, read_message(stderr) or read_message(stdout))
        feedback = feedback_dir(work)
        if feedback.exists() and not keep_feedback:
            shutil.rmtree(feedback)
        feedback.mkdir(exist_ok=True)
        feedback.chmod(0o777)
        result = sandbox.run(
            [*argv_base, str(inp), str(ans), str(feedback) + "/", *self.spec.flags, *test.checker_args],
            limits,
            workdir=box,
            stdin=out,
            stdout=stdout,
            stderr=stderr,
            readonly_paths=mounts,
            writable_paths=[feedback],
            config=self.config,
            copy_back=False,
        )
        return read_kattis_exit(result, kattis_message(feedback, stderr))


def feedback_dir(work: Path) -> Path:
    """Where a Kattis validator (or interactor) judging in ``work`` writes its feedback files."""
    return work / "feedback"


def next_pass_input(work: Path) -> Path:
    """The input a multi-pass validator wrote for the next pass (it exists only when there is one)."""
    return feedback_dir(work) / "nextpass.in"


def kattis_message(feedback: Path, stderr: Path) -> str:
    parts = [read_message(feedback / name) for name in ("judgemessage.txt", "teammessage.txt")]
    message = "\n".join(p for p in parts if p)
    return message or read_message(stderr)


def read_testlib_exit(result: RunResult, message: str) -> CheckOutcome:
    """What a testlib checker's (or interactor's) exit status means."""
    code = result.exit_code
    if result.status not in (Status.OK, Status.NONZERO_EXIT) or code is None:
        return CheckOutcome(Verdict.JUDGE_ERROR, f"checker failed: {describe_failure(result)}; {message}")
    if code == 0:
        return CheckOutcome(Verdict.OK, message or "ok")
    if code in (1, 8):
        return CheckOutcome(Verdict.WRONG_ANSWER, message or "wrong answer")
    if code in (2, 4):
        return CheckOutcome(Verdict.PRESENTATION_ERROR, message or "presentation error")
    if code == 7:
        return CheckOutcome(Verdict.OK, message or "points")
    if code >= 16:
        return CheckOutcome(Verdict.WRONG_ANSWER, f"partially correct ({code - 16}): {message}")
    if code == 3:
        return CheckOutcome(Verdict.JUDGE_ERROR, f"checker FAIL: {message}")
    return CheckOutcome(Verdict.JUDGE_ERROR, f"checker exited with unknown code {code}: {message}")


def read_kattis_exit(result: RunResult, message: str) -> CheckOutcome:
    """What a Kattis output validator's exit status means (42 accepted, 43 wrong answer)."""
    if result.exit_code == KATTIS_ACCEPT and result.status is Status.NONZERO_EXIT:
        return CheckOutcome(Verdict.OK, message or "accepted")
    if result.exit_code == KATTIS_WRONG and result.status is Status.NONZERO_EXIT:
        return CheckOutcome(Verdict.WRONG_ANSWER, message or "wrong answer")
    return CheckOutcome(
        Verdict.JUDGE_ERROR, f"output validator failed: {describe_failure(result)}; {message}".strip("; ")
    )
