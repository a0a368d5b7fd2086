"""Conformance: every limit and every status of the native backend, measured by the kernel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox import HandOff, Limits, MiB, SandboxConfig, SandboxConfigError, SandboxUnavailable, Status, run
from sandbox.cgroup_pool import pool_entries

pytestmark = pytest.mark.root

PY = "/usr/bin/python3"


def _live_standby(name: str) -> bool:
    match = re.fullmatch(r"s(\d+)-\d+", name)
    return match is not None and Path(f"/proc/{match.group(1)}").exists()


def cgroup_children(config: SandboxConfig) -> list[str]:
    """The run cgroups left under the test's parent, once the runners had a second to remove them: a
    runner removes its cgroup just after the result is out (the tree is dead by then). The pool of
    never-used cgroups is not a run's (test_cgroup_pool.py checks it), nor is the one a live standby
    runner claimed for the next run (s<pid>-<ns>: one whose runner is gone would be a leak)."""
    deadline = time.monotonic() + 2.0
    while True:
        found = []
        pool = set(pool_entries(config))
        for ctrl in ("memory", "pids", "cpuacct"):
            parent = config.cgroup_root / ctrl / config.cgroup_name
            if parent.is_dir():
                found += [
                    p.name
                    for p in parent.iterdir()
                    if p.is_dir() and p not in pool and not _live_standby(p.name)
                ]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def test_ok_and_measurements(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    out = tmp_path / "out"
    r = run([f"{bins}/echo"], Limits(), workdir=tmp_path, stdin=b"hello", stdout=out, readonly_paths=[bins],
            config=config)  # fmt: skip
    assert r.status == Status.OK and r.exit_code == 0 and r.signal is None
    assert out.read_bytes() == b"hello" and r.stdout_bytes == 5
    assert 0 < r.peak_memory < 16 * MiB
    assert 0 <= r.cpu_time < 0.5 and 0 < r.wall_time < 5
    assert cgroup_children(config) == []


def test_cpu_limit_kills_promptly(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    r = run(
        [f"{bins}/busy"],
        Limits(cpu_time=1.0, wall_time=30),
        workdir=tmp_path,
        readonly_paths=[bins],
        config=config,
    )
    assert r.status == Status.TIME_LIMIT and r.killed_by == "cpu_time"
    # The precise figure (<= 1.15 s) is the bench's business; here only a loose bound on a noisy machine.
    assert 1.0 <= r.cpu_time <= 1.3


def test_cpu_of_children_is_counted(tmp_path: Path, config: SandboxConfig) -> None:
    code = "import os\nfor _ in range(2):\n    if os.fork() == 0:\n        while True: pass\nos.wait()"
    r = run(
        [PY, "-c", code], Limits(cpu_time=0.5, wall_time=30, processes=4), workdir=tmp_path, config=config
    )
    assert r.status == Status.TIME_LIMIT and r.cpu_time >= 0.5


def test_memory_limit_c(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    r = run([f"{bins}/alloc", "200"], Limits(memory=64 * MiB), workdir=tmp_path, readonly_paths=[bins],
            config=config)  # fmt: skip
    assert r.status == Status.MEMORY_LIMIT and r.killed_by == "memory"
    assert 60 * MiB <= r.peak_memory <= 64 * MiB


def test_allocation_larger_than_the_machine_is_memory_limit(tmp_path: Path, config: SandboxConfig) -> None:
    """It would fail in malloc and end in the program's own abort; it must still read as MEMORY_LIMIT."""
    r = run([PY, "-c", "bytearray(10**12)"], Limits(), workdir=tmp_path, config=config)
    assert r.status == Status.MEMORY_LIMIT


def test_memory_within_limit_is_ok(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    r = run([f"{bins}/alloc", "32"], Limits(memory=64 * MiB), workdir=tmp_path, readonly_paths=[bins],
            config=config)  # fmt: skip
    assert r.status == Status.OK and 32 * MiB <= r.peak_memory < 64 * MiB


def test_memory_limit_python_list(tmp_path: Path, config: SandboxConfig) -> None:
    code = "x = []\nwhile True: x.append(list(range(10000)))"
    r = run([PY, "-c", code], Limits(memory=64 * MiB), workdir=tmp_path, config=config)
    assert r.status == Status.MEMORY_LIMIT


def test_idle_limit(tmp_path: Path, config: SandboxConfig) -> None:
    r = run(["/bin/sleep", "10"], Limits(cpu_time=1.0, wall_time=0.5), workdir=tmp_path, config=config)
    assert r.status == Status.IDLE_LIMIT and r.killed_by == "wall_time"
    assert 0.5 <= r.wall_time < 2


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_output_limit(tmp_path: Path, bins: Path, config: SandboxConfig, stream: str) -> None:
    argv = ["/bin/sh", "-c", f"exec {bins}/spew 10000000" + (" >&2" if stream == "stderr" else "")]
    limits = Limits(stdout_bytes=1 * MiB, stderr_bytes=1 * MiB, processes=2)
    out = tmp_path / "out"
    r = run(argv, limits, workdir=tmp_path, stdout=out, stderr=out, readonly_paths=[bins], config=config)
    assert r.status == Status.OUTPUT_LIMIT and r.killed_by == f"{stream}_bytes"
    assert getattr(r, f"{stream}_bytes") > MiB
    assert out.stat().st_size == MiB  # exactly the limit reaches the destination


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 3 * 65536), limit=st.integers(0, 2 * 65536))
def test_output_counted_exactly(tmp_path: Path, bins: Path, size: int, limit: int) -> None:
    r = run([f"{bins}/spew", str(size)], Limits(stdout_bytes=limit), workdir=tmp_path, readonly_paths=[bins])
    if size <= limit:
        assert r.status == Status.OK and r.stdout_bytes == size
    else:
        assert r.status == Status.OUTPUT_LIMIT and r.stdout_bytes > limit


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200_000))
def test_stdin_bytes_round_trip(tmp_path: Path, bins: Path, data: bytes) -> None:
    out = tmp_path / "out"
    r = run([f"{bins}/echo"], Limits(), workdir=tmp_path, stdin=data, stdout=out, readonly_paths=[bins])
    assert r.status == Status.OK and out.read_bytes() == data


def test_nonzero_exit_and_signal(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    r = run([f"{bins}/exit3"], Limits(), workdir=tmp_path, readonly_paths=[bins], config=config)
    assert r.status == Status.NONZERO_EXIT and r.exit_code == 3
    r = run([f"{bins}/segv"], Limits(), workdir=tmp_path, readonly_paths=[bins], config=config)
    assert r.status == Status.SIGNALED and r.signal == 11 and r.exit_code is None


def test_process_limit(tmp_path: Path, config: SandboxConfig) -> None:
    r = run(["/bin/sh", "-c", "ls | cat"], Limits(processes=1), workdir=tmp_path, config=config)
    assert r.status == Status.NONZERO_EXIT and "process limit" in r.message
    r = run(["/bin/sh", "-c", "ls | cat"], Limits(processes=3), workdir=tmp_path, config=config)
    assert r.status == Status.OK


def test_stack_limit(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    """A stack limit below the memory limit ends deep recursion with SIGSEGV, not MEMORY_LIMIT."""
    limits = Limits(memory=256 * MiB, stack=8 * MiB)
    r = run([f"{bins}/recurse"], limits, workdir=tmp_path, readonly_paths=[bins], config=config)
    assert r.status == Status.SIGNALED and r.signal == 11
    assert r.peak_memory < 64 * MiB


def test_pipes_as_stdin_and_stdout(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    os.write(in_w, b"through pipes\n")
    os.close(in_w)
    r = run([f"{bins}/echo"], Limits(), workdir=tmp_path, stdin=in_r, stdout=out_w, readonly_paths=[bins],
            config=config)  # fmt: skip
    os.close(out_w)
    assert r.status == Status.OK
    assert os.read(out_r, 100) == b"through pipes\n"
    os.fstat(in_r)  # the caller's fds stay open: the sandbox does not own them
    os.close(in_r)
    os.close(out_r)


def test_environment_is_clean(tmp_path: Path, config: SandboxConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGE_SECRET", "s3cret")
    out = tmp_path / "env"
    r = run(["/usr/bin/env"], Limits(), workdir=tmp_path, stdout=out, env={"A": "1"}, config=config)
    assert r.status == Status.OK
    lines = set(out.read_text().splitlines())
    assert "A=1" in lines and not any("s3cret" in line for line in lines)
    assert {line.split("=")[0] for line in lines} == {"A", "PATH"}


def test_workdir_same_path_and_files_come_back(tmp_path: Path, config: SandboxConfig) -> None:
    (tmp_path / "input.txt").write_text("data")
    script = "pwd; cat input.txt; echo made > made.txt; mkdir sub; echo deep > sub/x; ln -s /etc/passwd link"
    out = tmp_path.parent / f"{tmp_path.name}.out"
    r = run(["/bin/sh", "-c", script], Limits(processes=4), workdir=tmp_path, stdout=out, config=config)
    assert r.status == Status.OK
    assert out.read_text() == f"{tmp_path}\ndata"
    assert (tmp_path / "made.txt").read_text() == "made\n"
    assert (tmp_path / "sub" / "x").read_text() == "deep\n"
    assert not (tmp_path / "link").exists() and not (tmp_path / "link").is_symlink()


def test_readonly_and_writable_paths(tmp_path: Path, config: SandboxConfig) -> None:
    ro, rw, work = tmp_path / "ro", tmp_path / "rw", tmp_path / "work"
    for d in (ro, rw, work):
        d.mkdir()
    (ro / "f").write_text("r")
    script = f"cat {ro}/f && echo w > {rw}/h && echo x > {ro}/g"
    r = run(["/bin/sh", "-c", script], Limits(processes=2), workdir=work, readonly_paths=[ro],
            writable_paths=[rw], config=config)  # fmt: skip
    assert r.status == Status.NONZERO_EXIT  # the write to the read-only path failed
    assert not (ro / "g").exists() and (rw / "h").read_text() == "w\n"


def test_disk_limit_bounds_workdir(tmp_path: Path, config: SandboxConfig) -> None:
    script = "for i in 1 2 3 4 5 6; do head -c 1000000 /dev/zero > f$i || exit 9; done"
    r = run(["/bin/sh", "-c", script], Limits(disk=3 * MiB, processes=2), workdir=tmp_path, config=config)
    assert r.status == Status.NONZERO_EXIT and r.exit_code == 9
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 3 * MiB


def test_file_size_limit(tmp_path: Path, config: SandboxConfig) -> None:
    r = run(["/usr/bin/head", "-c", "3000000", "/dev/zero"], Limits(file_size=MiB), workdir=tmp_path,
            stdout=None, config=config)  # fmt: skip
    assert r.status == Status.OK  # stdout is a pipe: file_size does not apply to it
    r = run(["/bin/sh", "-c", "head -c 3000000 /dev/zero > big"], Limits(file_size=MiB, processes=2),
            workdir=tmp_path, config=config)  # fmt: skip
    assert r.status in (Status.OUTPUT_LIMIT, Status.NONZERO_EXIT)
    assert (tmp_path / "big").stat().st_size <= MiB


def test_concurrent_runs(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    results = {}

    def one(i: int) -> None:
        d = tmp_path / f"w{i}"
        d.mkdir()
        out = d / "out"
        r = run([f"{bins}/echo"], Limits(), workdir=d, stdin=f"run {i}".encode(), stdout=out,
                readonly_paths=[bins], config=config)  # fmt: skip
        results[i] = (r.status, out.read_text())

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: (Status.OK, f"run {i}") for i in range(8)}
    assert cgroup_children(config) == []


def test_nothing_survives_and_cgroups_removed(tmp_path: Path, config: SandboxConfig) -> None:
    marker = f"survivor-{os.getpid()}-{id(tmp_path)}"
    script = f"(setsid sh -c 'sleep 30' {marker} &) ; sleep 0.1"
    r = run(["/bin/sh", "-c", script], Limits(processes=8), workdir=tmp_path, config=config)
    assert r.status == Status.OK
    # The runner carries the marker in its own arguments and may clean up for a few ms after the result.
    deadline = time.monotonic() + 2.0
    while True:
        alive = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    alive.append(pid)
            except OSError:
                pass
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert alive == []
    assert cgroup_children(config) == []


def test_exec_failure_is_sandbox_error(tmp_path: Path, config: SandboxConfig) -> None:
    r = run(["/nonexistent/prog"], Limits(), workdir=tmp_path, config=config)
    assert r.status == Status.SANDBOX_ERROR and "No such file" in r.message


def test_bad_arguments_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxConfigError, match="absolute"):
        run(["true"], Limits(), workdir=tmp_path)
    with pytest.raises(SandboxConfigError, match="workdir"):
        run(["/bin/true"], Limits(), workdir=tmp_path / "missing")


def test_missing_cgroups_refuse_with_reason(tmp_path: Path) -> None:
    config = SandboxConfig(cgroup_root=tmp_path / "no-cgroups")
    with pytest.raises(SandboxUnavailable, match="memory"):
        run(["/bin/true"], Limits(), workdir=tmp_path, config=config)


def test_unconfined_needs_opt_in(tmp_path: Path) -> None:
    with pytest.raises(SandboxUnavailable, match="allow_unconfined"):
        run(["/bin/true"], Limits(), workdir=tmp_path, config=SandboxConfig(backend="unconfined"))
    config = SandboxConfig(backend="unconfined", allow_unconfined=True)
    r = run(["/bin/sh", "-c", "exit 4"], Limits(), workdir=tmp_path, config=config)
    assert r.status == Status.NONZERO_EXIT and r.exit_code == 4
    r = run(
        [PY, "-c", "while True: pass"], Limits(cpu_time=0.3, wall_time=30), workdir=tmp_path, config=config
    )
    assert r.status == Status.TIME_LIMIT


def test_reader_that_never_reads_cannot_stall_the_limits(
    tmp_path: Path, bins: Path, config: SandboxConfig
) -> None:
    """stdout is a pipe nobody reads (a stuck interactor): the wall limit still ends the run."""
    out_r, out_w = os.pipe()
    try:
        r = run([f"{bins}/spew", "10000000"], Limits(cpu_time=1.0, wall_time=0.5), workdir=tmp_path,
                stdout=out_w, readonly_paths=[bins], config=config)  # fmt: skip
    finally:
        os.close(out_w)
        os.close(out_r)
    assert r.status == Status.IDLE_LIMIT and r.wall_time < 3


def test_handed_off_stdout_gives_the_reader_eof_while_the_program_runs(
    tmp_path: Path, config: SandboxConfig
) -> None:
    """A program that closes its stdout and keeps running (an interactor that has said everything): the
    reader of the pipe sees EOF at once, not when the run ends, because neither the runner nor the caller
    keeps a copy of the write end (HandOff). ended_at is taken at the program's end, before run returns."""
    code = "import os, time\nos.write(1, b'all\\n')\nos.close(1)\ntime.sleep(3)\n"
    read_end, write_end = os.pipe()
    seen: list[float] = []

    def reader() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            assert pipe.read() == b"all\n"
        seen.append(time.monotonic())

    thread = threading.Thread(target=reader)
    thread.start()
    start = time.monotonic()
    r = run([PY, "-c", code], Limits(cpu_time=5, wall_time=10), workdir=tmp_path,
            stdout=HandOff(write_end), config=config)  # fmt: skip
    returned = time.monotonic()
    thread.join()
    assert r.status == Status.OK, r
    assert returned - seen[0] > 2.0, (seen[0] - start, returned - start)
    assert r.ended_at is not None and seen[0] < r.ended_at <= returned


def test_unconfined_peak_is_the_programs_not_the_judges(tmp_path: Path) -> None:
    """A judge holding 400 MiB: its child's wait4 ru_maxrss starts there (the mm that exec replaces was a
    copy of the judge's), which must not make a small program's nonzero exit a MEMORY_LIMIT."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sandbox import Limits, SandboxConfig, run\n"
        "big = bytearray(400 * 1024 * 1024)\n"
        "big[::4096] = b'x' * len(big[::4096])\n"
        "config = SandboxConfig(backend='unconfined', allow_unconfined=True)\n"
        "r = run(['/bin/sh', '-c', 'exit 4'], Limits(memory=256 * 1024 * 1024), workdir=Path(sys.argv[1]),\n"
        "        config=config)\n"
        "print(r.status.value, r.exit_code, r.peak_memory)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    ).stdout.split()  # fmt: skip
    assert out[0] == Status.NONZERO_EXIT.value and out[1] == "4", out
    assert int(out[2]) < 64 * MiB, out


@pytest.mark.parametrize("backend", ["native", "unconfined"])
def test_truncated_stdout_keeps_the_limit_and_the_program_running(
    tmp_path: Path, config: SandboxConfig, backend: str
) -> None:
    """stdout_truncate (DOMjudge's runguard --streamsize): bytes past the limit are dropped and counted,
    the program is not killed for them and exits as it would have."""
    if backend == "unconfined":
        config = SandboxConfig(backend="unconfined", allow_unconfined=True)
    out = tmp_path / "out"
    code = "import sys\nfor _ in range(300): sys.stdout.write('x' * 1023 + '\\n')\nsys.exit(3)"
    limits = Limits(cpu_time=5.0, stdout_bytes=100_000, stdout_truncate=True)
    r = run([PY, "-c", code], limits, workdir=tmp_path, stdout=out, config=config)
    assert r.status == Status.NONZERO_EXIT and r.exit_code == 3, r
    assert r.stdout_bytes == 300 * 1024
    assert out.stat().st_size == 100_000
    killed = run([PY, "-c", code], limits.model_copy(update={"stdout_truncate": False}), workdir=tmp_path,
                 stdout=out, config=config)  # fmt: skip
    assert killed.status == Status.OUTPUT_LIMIT, killed
