"""A busy machine is not idleness: time the tree spends runnable but waiting for a CPU does not count
towards the wall limit (schedstat run_delay), yet a hard cap still bounds every run.

The contention is real and deterministic: the test pins its own thread to one CPU, so the busy loops it
starts, the runner and the sandboxed program (all forked from that thread) inherit the mask and share
that CPU."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, Status, run
from sandbox.runner_protocol import RunnerMeta, interpret

pytestmark = pytest.mark.root

PY = "/usr/bin/python3"
HOGS = 3  # the program gets at most 1/4 of the CPU: 1 s of CPU takes over 4 s, past the 3 s wall limit


@contextlib.contextmanager
def contended_cpu(hog: Path, cpu: int, *, own_sessions: bool) -> Iterator[None]:
    """Pins the calling thread to `cpu` beside HOGS busy loops. With own_sessions each loop is its own
    autogroup, like other users' processes; without, they share the test's group and weigh against the
    program's nice value directly."""
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})  # pid 0: this thread only, inherited by what it starts
    hogs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(HOGS):
            hogs.append(subprocess.Popen([str(hog)], start_new_session=own_sessions))
        yield
    finally:
        for h in hogs:
            h.kill()
        for h in hogs:
            h.wait()
        os.sched_setaffinity(0, saved)


def test_busy_machine_is_time_limit_and_sleep_still_idle(
    tmp_path: Path, bins: Path, config: SandboxConfig
) -> None:
    limits = Limits(cpu_time=1.0)
    wall_limit = limits.effective_wall_time()
    assert wall_limit == 3.0
    (tmp_path / "busy").mkdir()
    (tmp_path / "sleep").mkdir()
    cpu = min(os.sched_getaffinity(0))
    # The pool's thread starts inside the pinned context (at submit), so it inherits the mask too.
    with contended_cpu(bins / "busy", cpu, own_sessions=True), ThreadPoolExecutor(1) as pool:
        sleeper = pool.submit(run, ["/bin/sleep", "1000"], limits, workdir=tmp_path / "sleep", config=config)
        busy = run([f"{bins}/busy"], limits, workdir=tmp_path / "busy", readonly_paths=[bins],
                   config=config)  # fmt: skip
        sleep = sleeper.result()
    print(f"contended busy loop: {busy}\nsleeper: {sleep}")
    assert busy.status == Status.TIME_LIMIT and busy.killed_by == "cpu_time", busy
    assert 1.0 <= busy.cpu_time <= 1.3
    # The plain wall clock would have called it idle; the idle clock (wall - wait) is about its CPU time.
    assert busy.wall_time > wall_limit, busy
    assert busy.wait_time > 1.5, busy
    assert busy.wall_time - busy.wait_time < 2.0, busy
    assert sleep.status == Status.IDLE_LIMIT and sleep.killed_by == "wall_time", sleep
    assert wall_limit <= sleep.wall_time <= wall_limit + 0.5, sleep
    assert sleep.cpu_time < 0.1 and sleep.wait_time < 0.2, sleep


def test_hard_cap_bounds_a_starved_program(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    """A program that lowers its own priority waits for a CPU almost all the time: the idle clock barely
    moves, the CPU limit is never reached, and only the cap (4 x wall limit + 1 s) ends it."""
    limits = Limits(cpu_time=0.5, wall_time=0.5)
    code = "import os\nos.nice(10)\nwhile True: pass"
    # The other CPU than the test above when there is one, so the two can run side by side under xdist.
    with contended_cpu(bins / "busy", max(os.sched_getaffinity(0)), own_sessions=False):
        r = run([PY, "-c", code], limits, workdir=tmp_path, config=config)
    assert r.status == Status.IDLE_LIMIT and r.killed_by == "wall_time_cap", r
    assert "cap of 3.0 s" in r.message
    assert 3.0 <= r.wall_time <= 4.5 and r.cpu_time < 0.5, r
    assert r.wait_time > 2.0, r
    print(f"starved: {r}")


def test_quick_run_never_reads_schedstat(tmp_path: Path, config: SandboxConfig) -> None:
    r = run(["/bin/true"], Limits(), workdir=tmp_path, config=config)
    assert r.status == Status.OK and r.wait_time == 0.0


def test_without_schedstat_the_message_says_waiting_counted_as_idle() -> None:
    meta = {
        "status": 9, "exec_errno": 0, "cpu_ns": 400_000_000, "wall_ns": 3_010_000_000, "peak": 1 << 20,
        "failcnt": 0, "oom_kill": 0, "pids_max_hits": 0, "stdout_bytes": 0, "stderr_bytes": 0,
        "wait_ns": 0, "schedstat": -1, "wall_cap_ns": 13_000_000_000, "killed_by": "wall_time",
    }  # fmt: skip
    r = interpret(RunnerMeta.model_validate(meta), ["prog"])
    assert r.status == Status.IDLE_LIMIT and r.killed_by == "wall_time"
    assert "schedstat" in r.message and "counted as idle" in r.message
    measured = interpret(
        RunnerMeta.model_validate({**meta, "schedstat": 1, "wait_ns": 2_500_000_000}), ["prog"]
    )
    assert measured.wait_time == 2.5 and "2.50 s spent waiting for a CPU" in measured.message
