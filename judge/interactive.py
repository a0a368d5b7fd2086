"""Interactive problems: interactor and solution connected by two pipes, both sandboxed and measured.

Who wins when both fail: whoever failed first. A solution that crashes, runs out of time or memory
before the interactor has decided gets its own verdict; an interactor that decided WRONG_ANSWER first
wins over the solution's later failure (caused by the closed pipe). A deadlock (both waiting to read)
ends when the solution's wall-clock limit kills it: IDLENESS_LIMIT_EXCEEDED.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sandbox
from judge.checkers.external import (
    feedback_dir,
    kattis_message,
    read_kattis_exit,
    read_message,
    read_testlib_exit,
)
from judge.checkers.outcome import CheckOutcome
from judge.compiler import Program
from judge.helper_programs import helper_limits
from judge.task import InteractorProtocol, InteractorSpec, TestCase
from judge.verdict import Verdict
from sandbox import HandOff, Limits, MiB, RunResult, SandboxConfig


@dataclass
class Interactor:
    spec: InteractorSpec
    program: Program
    home: Path  # installed copy, visible to the sandbox
    config: SandboxConfig
    time_limit: float


@dataclass
class _Side:
    result: RunResult | None = None
    error: BaseException | None = None
    ended: float = 0.0  # monotonic clock when the sandbox reported the tree dead


@dataclass(frozen=True)
class InteractiveRun:
    solution: RunResult
    interactor: RunResult
    outcome: CheckOutcome  # the interactor's own verdict on the exchange
    solution_first: bool  # the solution's process tree ended before the interactor's
    interactor_output: Path  # testlib: the file the interactor wrote for the checker


def _drain(fd: int) -> None:
    """Read a pipe to EOF so a writer whose peer has gone never blocks; then close it."""
    try:
        while os.read(fd, 1 << 16):
            pass
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def run_interactive(
    interactor: Interactor,
    test: TestCase,
    *,
    solution_argv: list[str],
    solution_limits: Limits,
    solution_env: dict[str, str],
    solution_home: Path,
    solution_stderr: Path,
    solution_box: Path,
    interactor_box: Path,
    work: Path,
    input_file: Path | None = None,
    keep_feedback: bool = False,
    copy_back: bool = False,
) -> InteractiveRun:
    """One test of an interactive problem. ``solution_box``, ``interactor_box``: each side's empty work
    dir for this test (judge.box); ``work``: the judge's own files (interactor output, feedback).
    ``input_file``: this pass's input (multi-pass), else the test's; ``keep_feedback``: a later pass keeps
    the interactor's earlier feedback files; ``copy_back``: keep what the solution leaves in its work dir
    (only the attack suite's control)."""
    sol_to_int_r, sol_to_int_w = os.pipe()
    int_to_sol_r, int_to_sol_w = os.pipe()
    inp, ans = (input_file or test.input).resolve(), test.answer.resolve()
    tout = work / "interactor.out"
    tout.unlink(missing_ok=True)
    tout.write_bytes(b"")
    tout.chmod(0o666)
    feedback = feedback_dir(work)
    feedback.mkdir(exist_ok=True)
    feedback.chmod(0o777)
    for stale in feedback.iterdir() if not keep_feedback else ():
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    inter_stderr = work / "interactor.err"
    inter_stderr.unlink(missing_ok=True)  # made anew: truncating a written file is slow on ext4 (~2.5 ms)
    base = interactor.program.language.run_argv(interactor.home, 1024 * MiB)
    if interactor.spec.protocol is InteractorProtocol.TESTLIB:
        inter_argv = [*base, str(inp), str(tout), str(ans), *interactor.spec.flags]
        writable = [tout]
    else:
        inter_argv = [
            *base,
            str(inp),
            str(ans),
            str(feedback) + "/",
            *interactor.spec.flags,
            *test.checker_args,
        ]
        writable = [feedback]
    limits = helper_limits(interactor.time_limit, interactor.spec.time_limit)
    # The interactor outlives the solution's wall-clock limit, so a deadlock is blamed on the solution.
    sol_wall = solution_limits.effective_wall_time() or 0.0
    limits = limits.model_copy(update={"wall_time": max(limits.wall_time or 0.0, sol_wall + 5.0)})

    sides = {"solution": _Side(), "interactor": _Side()}

    def run_side(name: str, own_read: int, own_write: int, call: dict[str, object]) -> None:
        side = sides[name]
        # The interactor's output is handed off: the sandbox drops our copy of the write end once its
        # runner holds one, so an interactor that closes its stdout (it printed the whole input and now
        # waits for the answer) gives the solution EOF at once. The solution's output is not: we keep a
        # copy until its run ends, so the interactor sees EOF only when the solution is gone, and a
        # solution that closes its stdout and then crashes or hangs gets its own verdict, not the
        # interactor's WRONG_ANSWER on a premature EOF (as BAPCtools: "delay submission EOF until the
        # submission dies").
        write_end: int | HandOff = HandOff(own_write) if name == "interactor" else own_write
        try:
            side.result = sandbox.run(stdin=own_read, stdout=write_end, **call)  # type: ignore[arg-type]
            # When run() returns, not start + wall_time: the two sandboxes take different times to set
            # up, and that difference can exceed the gap between the two deaths.
            side.ended = time.monotonic()
        except BaseException as exc:  # reported by the caller; the pipes must still be closed
            side.error = exc
            side.ended = time.monotonic()
        finally:
            # Our peer sees EOF once we are gone, and never blocks writing to us.
            if isinstance(write_end, HandOff):
                write_end.close()
            else:
                os.close(write_end)
            threading.Thread(target=_drain, args=(own_read,), daemon=True).start()

    sol_call: dict[str, object] = {
        "argv": solution_argv,
        "limits": solution_limits,
        "workdir": solution_box,
        "stderr": solution_stderr,
        "env": solution_env,
        "readonly_paths": [solution_home],
        "config": interactor.config,
        "copy_back": copy_back,
    }
    inter_call: dict[str, object] = {
        "argv": inter_argv,
        "limits": limits,
        "workdir": interactor_box,
        "stderr": inter_stderr,
        "readonly_paths": sorted({inp, ans, interactor.home}),
        "writable_paths": writable,
        "config": interactor.config,
        "copy_back": False,
    }
    threads = [
        threading.Thread(target=run_side, args=("solution", int_to_sol_r, sol_to_int_w, sol_call)),
        threading.Thread(target=run_side, args=("interactor", sol_to_int_r, int_to_sol_w, inter_call)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for side in sides.values():
        if side.error is not None:
            raise side.error
    sol, inter = sides["solution"], sides["interactor"]
    assert sol.result is not None and inter.result is not None
    if interactor.spec.protocol is InteractorProtocol.TESTLIB:
        outcome = read_testlib_exit(inter.result, read_message(inter_stderr))
    else:
        outcome = read_kattis_exit(inter.result, kattis_message(feedback, inter_stderr))
    if outcome.verdict is Verdict.JUDGE_ERROR:
        outcome = CheckOutcome(Verdict.JUDGE_ERROR, outcome.message.replace("checker", "interactor", 1))
    return InteractiveRun(
        solution=sol.result,
        interactor=inter.result,
        outcome=outcome,
        solution_first=_ended(sol) <= _ended(inter),
        interactor_output=tout,
    )


def _ended(side: _Side) -> float:
    """When the side's run ended: the sandbox's own record (taken before the peer could see an EOF) when
    it keeps one, else when run() returned."""
    assert side.result is not None
    return side.result.ended_at if side.result.ended_at is not None else side.ended
