"""The unconfined backend: a plain child process under rlimits, for hosts without namespaces or cgroups.

It isolates nothing (the program sees the host's files, network and processes) and its measurements are
weaker: CPU time and peak memory come from wait4() of the main process and the children it reaped (peak
memory sampled from /proc when wait4's figure is only the judge's own, inherited at exec). It runs
only when the caller opts in explicitly (``SandboxConfig(allow_unconfined=True)``).
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.limits import Limits
from sandbox.result import Enforcement, RunResult, Status
from sandbox.streams import StdinSpec, StdoutSpec, open_output, open_stdin

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
_CHUNK = 1 << 16
UNCONFINED = Enforcement(
    memory="rlimit",
    cpu_time="rlimit",
    processes="none",
    isolation="none",
    cgroup="none",
    peak_memory="rusage",
)


def run_unconfined(
    argv: Sequence[str],
    limits: Limits,
    *,
    workdir: Path,
    stdin: StdinSpec,
    stdout: StdoutSpec,
    stderr: StdoutSpec,
    env: Mapping[str, str] | None,
) -> RunResult:
    with contextlib.ExitStack() as stack:
        stdin_fd = open_stdin(stdin, stack)
        dests = {
            "stdout": (open_output(stdout, "stdout", stack), limits.stdout_bytes),
            "stderr": (open_output(stderr, "stderr", stack), limits.stderr_bytes),
        }
        child_env = {"PATH": SAFE_PATH, **(env or {})}
        # A child's ru_maxrss starts at its parent's high-water mark: exec records the mm it replaces
        # (a copy of ours, or ours under vfork). Below that floor the figure says nothing of the program.
        inherited = _high_water(Path("/proc/self/status"))
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                list(argv),
                stdin=stdin_fd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=workdir,
                env=child_env,
                start_new_session=True,
                preexec_fn=lambda: _set_rlimits(limits),
            )
        except OSError as exc:
            return RunResult(status=Status.SANDBOX_ERROR, message=f"cannot start {argv[0]}: {exc}")
        assert proc.stdout is not None and proc.stderr is not None
        pumps = [
            _Stream("stdout", proc.stdout.fileno(), *dests["stdout"], truncate=limits.stdout_truncate),
            _Stream("stderr", proc.stderr.fileno(), *dests["stderr"]),
        ]
        sampled = [0]
        killed_by = _pump(proc.pid, pumps, limits, start, sampled)
        _, wait_status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.returncode = 0  # reaped by wait4 above; keeps Popen from waiting again
        proc.stdout.close()
        proc.stderr.close()
    reported = usage.ru_maxrss * 1024
    peak = reported if reported > inherited else sampled[0]
    return _result(wait_status, usage, peak, wall, limits, killed_by, pumps)


def _high_water(status: Path) -> int:
    """VmHWM of a live process in bytes (0 once it is gone)."""
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _Stream:
    def __init__(
        self, name: str, fd: int, dest: int | None, limit: int | None, truncate: bool = False
    ) -> None:
        self.name, self.fd, self.dest, self.limit = name, fd, dest, limit
        self.truncate = truncate  # over the limit: drop the excess, let the program run on
        self.count = 0

    def take(self, data: bytes) -> bool:
        """Copy ``data`` on; False once the stream went over its limit (the excess is not written)."""
        room = len(data) if self.limit is None else max(0, self.limit - self.count)
        if self.dest is not None and room:
            view = memoryview(data)[:room]
            while view:
                view = view[os.write(self.dest, view) :]
        self.count += len(data)
        return self.limit is None or self.count <= self.limit


def _cpu_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pump(pid: int, streams: list[_Stream], limits: Limits, start: float, peak: list[int]) -> str | None:
    """Copies the streams and enforces the limits; ``peak[0]`` tracks the main process's sampled VmHWM."""
    status = Path(f"/proc/{pid}/status")
    wall_limit = limits.effective_wall_time()
    sel = selectors.DefaultSelector()
    for s in streams:
        sel.register(s.fd, selectors.EVENT_READ, s)
    killed_by: str | None = None
    try:
        while sel.get_map():
            for key, _ in sel.select(timeout=0.01):
                stream: _Stream = key.data
                data = os.read(stream.fd, _CHUNK)
                if not data:
                    sel.unregister(stream.fd)
                elif not stream.take(data) and killed_by is None and not stream.truncate:
                    killed_by = f"{stream.name}_bytes"
            peak[0] = max(peak[0], _high_water(status))
            now = time.monotonic()
            if killed_by is None and limits.cpu_time is not None and _cpu_of(pid) > limits.cpu_time:
                killed_by = "cpu_time"
            if killed_by is None and wall_limit is not None and now - start > wall_limit:
                killed_by = "wall_time"
            if killed_by is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                break
    finally:
        sel.close()
    return killed_by


def _result(
    wait_status: int,
    usage: resource.struct_rusage,
    peak: int,
    wall: float,
    limits: Limits,
    killed_by: str | None,
    streams: list[_Stream],
) -> RunResult:
    cpu = usage.ru_utime + usage.ru_stime
    exit_code = os.waitstatus_to_exitcode(wait_status)
    sig = -exit_code if exit_code < 0 else None
    code = exit_code if exit_code >= 0 else None
    counts = {s.name: s.count for s in streams}
    over_cpu = limits.cpu_time is not None and cpu > limits.cpu_time
    if killed_by == "cpu_time" or over_cpu or sig == signal.SIGXCPU:
        status = Status.TIME_LIMIT
        killed_by = "cpu_time"
    elif killed_by in ("stdout_bytes", "stderr_bytes") or sig == signal.SIGXFSZ:
        status = Status.OUTPUT_LIMIT
        killed_by = killed_by or "file_size"
    elif limits.memory is not None and peak >= limits.memory and (sig is not None or code != 0):
        status = Status.MEMORY_LIMIT
        killed_by = "memory"
    elif killed_by == "wall_time":
        status = Status.IDLE_LIMIT
    elif sig is not None:
        status = Status.SIGNALED
    elif code != 0:
        status = Status.NONZERO_EXIT
    else:
        status = Status.OK
    return RunResult(
        status=status,
        exit_code=code,
        signal=sig,
        cpu_time=cpu,
        wall_time=wall,
        peak_memory=peak,
        stdout_bytes=counts["stdout"],
        stderr_bytes=counts["stderr"],
        killed_by=killed_by,
        message="unconfined backend: no isolation, CPU and memory of unreaped descendants not counted",
        enforcement=UNCONFINED,
    )


def _set_rlimits(limits: Limits) -> None:
    if limits.cpu_time is not None:
        cpu = math.ceil(limits.cpu_time) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    stack = limits.stack or limits.memory
    if stack is not None:
        resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
    if limits.memory is not None:
        # RLIMIT_DATA rather than RLIMIT_AS: address-space limits break the JVM's reservations.
        resource.setrlimit(resource.RLIMIT_DATA, (limits.memory, limits.memory))
