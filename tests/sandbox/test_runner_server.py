"""The runner server (runner/server.c, sandbox/runner_server.py): runs from many threads each get their
own result, nothing of the server reaches a program, a killed runner or server costs only its own run,
and the server ends with the judging process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, Status, run
from sandbox.runner_server import server_pids

pytestmark = pytest.mark.root

PY = "/usr/bin/python3"


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.01)
    return False


def test_parallel_runs_from_threads_get_their_own_results(tmp_path: Path, config: SandboxConfig) -> None:
    code = "import sys; d = sys.stdin.read(); print(d * 2, end=''); sys.exit(int(d) % 7)"

    def one(i: int) -> tuple[int, str, int | None]:
        work = tmp_path / str(i)
        work.mkdir()
        r = run([PY, "-c", code], Limits(wall_time=20), workdir=work, stdin=str(i).encode(),
                stdout=work / "out", config=config)  # fmt: skip
        return i, (work / "out").read_text(), r.exit_code

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(one, range(24)))
    for i, out, exit_code in results:
        assert out == str(i) * 2 and exit_code == i % 7
    assert len(server_pids()) == 1


def test_a_program_sees_only_its_own_fds(tmp_path: Path, config: SandboxConfig) -> None:
    code = "import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd')))"
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)  # the server is up
    out = tmp_path / "out"
    r = run([PY, "-c", code], Limits(), workdir=tmp_path, stdout=out, config=config)
    assert r.status == Status.OK
    assert out.read_text().strip() == "[0, 1, 2, 3]"  # 3: listdir's own


def test_a_killed_runner_costs_only_its_run(tmp_path: Path, config: SandboxConfig) -> None:
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)
    (server,) = server_pids()
    with ThreadPoolExecutor(1) as pool:
        sleeper = pool.submit(
            run, ["/bin/sleep", "30"], Limits(wall_time=60), workdir=tmp_path, config=config
        )
        time.sleep(0.5)  # the sleeper's runner is up (an earlier run's may still be cleaning up: killed too)
        runners = _children(server)
        assert runners
        for pid in runners:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        r = sleeper.result(timeout=20)
    assert r.status == Status.SANDBOX_ERROR
    assert server_pids() == [server]
    assert run(["/bin/true"], Limits(), workdir=tmp_path, config=config).status == Status.OK
    assert server_pids() == [server]


def test_a_killed_server_falls_back_then_restarts(tmp_path: Path, config: SandboxConfig) -> None:
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)
    (server,) = server_pids()
    os.kill(server, signal.SIGKILL)
    assert _gone(server, 5)
    # the run that finds it dead spawns a runner of its own; the next one starts a new server
    assert run(["/bin/true"], Limits(), workdir=tmp_path, config=config).status == Status.OK
    assert run(["/bin/true"], Limits(), workdir=tmp_path, config=config).status == Status.OK
    (replacement,) = server_pids()
    assert replacement != server


def test_the_server_ends_with_the_judging_process(tmp_path: Path, config: SandboxConfig) -> None:
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from sandbox import Limits, SandboxConfig, run\n"
        "from sandbox.runner_server import server_pids\n"
        f"cfg = SandboxConfig.model_validate_json({config.model_dump_json()!r})\n"
        f"run(['/bin/true'], Limits(), workdir=Path({str(tmp_path)!r}), config=cfg)\n"
        "print(server_pids()[0], flush=True)\n"
        "os._exit(0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    server = int(proc.stdout)
    # orphaned, it is reaped by init once it exits
    assert _gone(server, 5)


def test_without_the_server_runs_spawn_their_runner(tmp_path: Path, config: SandboxConfig) -> None:
    spawned = config.model_copy(update={"runner_server": False})
    before = server_pids()
    out = tmp_path / "out"
    r = run(["/bin/echo", "hi"], Limits(), workdir=tmp_path, stdout=out, config=spawned)
    assert r.status == Status.OK and out.read_text() == "hi\n"
    assert server_pids() == before


def test_a_run_gets_the_calling_threads_nice_and_cpus(tmp_path: Path, config: SandboxConfig) -> None:
    code = "import os; print(os.getpriority(os.PRIO_PROCESS, 0), sorted(os.sched_getaffinity(0)))"
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)  # the server is up, with our values
    cpu = min(os.sched_getaffinity(0))

    def in_thread() -> str:
        # both are per thread on Linux: a runner spawned by this thread would inherit them
        os.setpriority(os.PRIO_PROCESS, 0, 7)
        os.sched_setaffinity(0, {cpu})
        out = tmp_path / "out"
        assert (
            run([PY, "-c", code], Limits(), workdir=tmp_path, stdout=out, config=config).status == Status.OK
        )
        return out.read_text().strip()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(in_thread).result() == f"7 [{cpu}]"
