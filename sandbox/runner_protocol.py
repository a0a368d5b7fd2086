"""The runner's interface, in one place: its command line (``runner OPTIONS -- PROGRAM ARGS``) and the
one JSON line it writes to ``--meta-fd`` (see ``runner/runner.h``, ``runner/meta.c``).

Both backends use it: the native backend runs the runner itself; the docker backend sends the same
command line to the agent in its container, with fds given as slots (``FdSlot``) that the agent replaces
by the numbers of the fds it received (the agent runs without this package, so it knows only the slots).
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.limits import Limits
from sandbox.result import Enforcement, RunResult, Status
from sandbox.unconfined import SAFE_PATH

# Never-used v1 cgroups each runner leaves ready for the next runs (see cgroup.c): one claimed per run,
# so two keep back-to-back and pairs of parallel runs off mkdir.
CGROUP_POOL = 2


class FdSlot(StrEnum):
    """An fd the docker agent fills in: it only learns the fds' numbers when it receives them."""

    META = "@meta"
    OUT = "@out"
    ERR = "@err"


FdRef = int | FdSlot


class RunnerCommand(BaseModel):
    """Where the runner finds its host resources (all paths as the runner sees them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    runner: Path
    mounts: Path  # holds the mount points root/ and scratch/
    cgroup_root: Path
    cgroup_name: str
    netns: Path | None  # the shared network namespace's bind mount; None: a private one per run
    netns_pool: Path | None = None  # with a private one per run: where namespaces are made ahead of need
    mnt_template: Path | None = None  # root only: where prepared mount namespaces (the shared root) are kept
    uid: int
    gid: int
    tmp_size: int | None
    cgroup_v2: Path | None = None  # non-root: the delegated cgroup v2 directory holding one cgroup per run
    no_cgroup: bool = False  # non-root without a delegated cgroup: rlimits and polling only
    cgroup_pool: int = 0  # cgroup v1: never-used cgroups kept ready for the next runs (0: none)

    @classmethod
    def for_config(cls, runner: Path, config: SandboxConfig) -> RunnerCommand:
        return cls(
            runner=runner,
            mounts=config.cache_dir / "mnt",
            cgroup_root=config.cgroup_root,
            cgroup_name=config.cgroup_name,
            netns=config.cache_dir / "netns" if config.network == "shared" else None,
            netns_pool=config.cache_dir / "netns-pool" if config.network == "private" else None,
            mnt_template=config.cache_dir / "mnt-template",
            uid=config.sandbox_uid,
            gid=config.sandbox_gid,
            tmp_size=config.tmp_size,
            cgroup_pool=CGROUP_POOL,
        )

    def argv(
        self,
        argv: Sequence[str],
        limits: Limits,
        *,
        workdir: Path,
        env: Mapping[str, str] | None,
        readonly_paths: Sequence[Path],
        writable_paths: Sequence[Path],
        meta_fd: FdRef,
        out_fd: FdRef | None,
        err_fd: FdRef | None,
        timing: bool = False,
        copy_back: bool = True,
    ) -> list[str]:
        """The runner's full command line, ``self.runner`` first."""
        disk = self.tmp_size or limits.disk
        stack = limits.stack or limits.memory or 0
        args = [
            str(self.runner),
            "--meta-fd", _fd(meta_fd),
            "--cpu-ns", str(round((limits.cpu_time or 0) * 1e9)),
            "--wall-ns", str(round((limits.effective_wall_time() or 0) * 1e9)),
            "--mem", str(limits.memory or 0),
            "--out-limit", str(-1 if limits.stdout_bytes is None else limits.stdout_bytes),
            "--err-limit", str(-1 if limits.stderr_bytes is None else limits.stderr_bytes),
            "--out-truncate", str(int(limits.stdout_truncate)),
            "--out-fd", _fd(out_fd),
            "--err-fd", _fd(err_fd),
            "--procs", str(limits.processes),
            "--nofile", str(limits.open_files),
            "--fsize", str(limits.file_size),
            "--disk", str(max(disk, 4096)),
            "--stack", str(stack),
            "--workdir", str(workdir),
            *self._host_args,
        ]  # fmt: skip
        if timing:
            args += ["--timing", "1"]
        if not copy_back:
            args += ["--copy-back", "0"]
        for p in readonly_paths:
            args += ["--ro", str(p)]
        for p in writable_paths:
            args += ["--rw", str(p)]
        for key, value in {"PATH": SAFE_PATH, **(env or {})}.items():
            if "=" in key or "\0" in key or "\0" in value:
                raise SandboxError(f"environment variable {key!r} has '=' or NUL in its name or value")
            args += ["--env", f"{key}={value}"]
        return [*args, "--", *argv]

    @functools.cached_property
    def _host_args(self) -> tuple[str, ...]:
        # the same for every run of this command: made once (a run's Python side is on its critical path)
        args = [
            "--uid", str(self.uid),
            "--gid", str(self.gid),
            "--root-mnt", str(self.mounts / "root"),
            "--scratch-mnt", str(self.mounts / "scratch"),
            "--cgroup-root", str(self.cgroup_root),
            "--cgroup-name", self.cgroup_name,
        ]  # fmt: skip
        if self.netns is not None:
            args += ["--netns", str(self.netns)]
        elif self.netns_pool is not None:
            args += ["--netns-pool", str(self.netns_pool)]
        if self.mnt_template is not None:
            args += ["--mnt-template", str(self.mnt_template)]
        if self.cgroup_v2 is not None:
            args += ["--cgroup-v2", str(self.cgroup_v2)]
        if self.no_cgroup:
            args += ["--no-cgroup", "1"]
        if self.cgroup_pool:
            args += ["--cgroup-pool", str(self.cgroup_pool)]
        return tuple(args)


def _fd(fd: FdRef | None) -> str:
    return "-1" if fd is None else str(fd)


class RunnerMeta(BaseModel):
    """The runner's measurements of one run (its meta line)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: int  # wait status of the program, -1 when lost
    exec_errno: int  # errno of a failed execve (or of the setup before it), else 0
    cpu_ns: int
    wall_ns: int
    peak: int  # bytes, -1 when unreadable; includes tcp_peak
    tcp_peak: int = 0  # bytes of socket buffers at their peak (cgroup v1 charges them apart)
    failcnt: int
    oom_kill: int
    pids_max_hits: int = 0
    stdout_bytes: int
    stderr_bytes: int
    cgroup_v2: bool = False
    cgroup: Literal["v1", "v2", "none"] | None = None  # the hierarchy that held the run
    rootless: bool = False  # set up from an unprivileged user namespace
    wait_ns: int = 0
    schedstat: int = 0  # 0 never sampled, 1 measured, -1 unavailable on this host
    wall_cap_ns: int = 0
    # CLOCK_MONOTONIC when the run was first seen ending (a dying program's stdout closed, a kill, or the
    # main process gone); 0 when not measured
    end_mono_ns: int = 0
    killed_by: str | None
    netns: str = ""  # "pool" (made ahead of need), "fresh" (made in clone) or "shared"
    root: str = ""  # "prepared" (a copy of a prepared mount namespace) or "built" for the run
    cgroup_pool: bool = False  # the run's cgroup was claimed from the pool of never-used ones (v1)
    # what of the run a standby runner made before the request (runner/ahead.c), space-separated names
    # of "cgroup", "netns", "scratch", "root"; "" for nothing
    ahead: str = ""
    start_ns: int | None = None  # with --timing 1
    phases_ns: dict[str, int] | None = None


class RunnerFailure(BaseModel):
    """The runner's own failure: ``error`` "unavailable" (a host mechanism is missing), "usage" or
    "sandbox"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error: str
    message: str


def meta_complete(raw: bytes) -> bool:
    """Whether the runner's meta line is all there: then its exit code says nothing more, and the runner
    may still be topping up its pool of network namespaces (not worth waiting for)."""
    return raw.endswith(b"}\n")


def parse_meta(raw: bytes) -> RunnerMeta | RunnerFailure:
    """Parses the meta line; raises ValueError when it is neither form."""
    try:
        return RunnerMeta.model_validate_json(raw)
    except ValidationError as exc:
        try:
            return RunnerFailure.model_validate_json(raw)
        except ValidationError:
            raise ValueError(f"malformed runner meta: {exc}") from exc


def run_result(
    meta_raw: bytes, runner_err: bytes, code: int, argv: Sequence[str], memory_limit: int | None
) -> RunResult:
    """The RunResult of one runner invocation: its meta line, its stderr and its exit code."""
    try:
        meta = parse_meta(meta_raw)
    except ValueError:
        detail = runner_err.decode(errors="replace").strip() or f"exit code {code}"
        return RunResult(status=Status.SANDBOX_ERROR, message=f"sandbox runner failed: {detail}")
    if isinstance(meta, RunnerFailure):
        if meta.error == "unavailable":
            raise SandboxUnavailable(meta.message)
        return RunResult(status=Status.SANDBOX_ERROR, message=f"sandbox runner: {meta.message}")
    return interpret(meta, argv, memory_limit)


def interpret(meta: RunnerMeta, argv: Sequence[str], memory_limit: int | None = None) -> RunResult:
    """Turns the runner's raw measurements into a RunResult. The order of the checks is the policy:
    a limit the sandbox enforced wins over how the program happened to die of it."""
    status_word = meta.status
    killed_by = meta.killed_by
    exit_code = signum = None
    if status_word >= 0:
        if os.WIFEXITED(status_word):
            exit_code = os.WEXITSTATUS(status_word)
        elif os.WIFSIGNALED(status_word):
            signum = os.WTERMSIG(status_word)
    common = {
        "exit_code": exit_code,
        "signal": signum,
        "cpu_time": max(meta.cpu_ns, 0) / 1e9,
        "wall_time": meta.wall_ns / 1e9,
        "peak_memory": max(meta.peak, 0),
        "stdout_bytes": meta.stdout_bytes,
        "stderr_bytes": meta.stderr_bytes,
        "wait_time": max(meta.wait_ns, 0) / 1e9,
        "enforcement": Enforcement.native(meta.cgroup or ("v2" if meta.cgroup_v2 else "v1"), meta.rootless),
        "ended_at": meta.end_mono_ns / 1e9 if meta.end_mono_ns > 0 else None,
    }
    if meta.exec_errno:
        name = os.strerror(meta.exec_errno)
        return RunResult(
            status=Status.SANDBOX_ERROR, message=f"cannot execute {argv[0]} in the sandbox: {name}", **common
        )
    if killed_by is None and status_word < 0:
        return RunResult(
            status=Status.SANDBOX_ERROR, message="the sandbox lost the program's exit status", **common
        )
    failed = exit_code != 0
    if killed_by == "cpu_time" or signum in (signal.SIGXCPU,):
        return RunResult(status=Status.TIME_LIMIT, killed_by="cpu_time", message="CPU time limit", **common)
    if killed_by in ("stdout_bytes", "stderr_bytes"):
        return RunResult(
            status=Status.OUTPUT_LIMIT, killed_by=killed_by, message=f"{killed_by} limit", **common
        )
    # SIGSYS comes only from the seccomp rule against allocations larger than the machine.
    if meta.oom_kill > 0 or (failed and meta.failcnt > 0) or signum == signal.SIGSYS:
        why = "one allocation larger than the machine" if signum == signal.SIGSYS else "memory limit"
        return RunResult(status=Status.MEMORY_LIMIT, killed_by="memory", message=why, **common)
    # Memory and socket buffers are limited apart on cgroup v1: together they may pass the limit.
    if memory_limit and meta.peak > memory_limit:
        why = f"memory limit (peak {meta.peak} bytes, {max(meta.tcp_peak, 0)} of them socket buffers)"
        return RunResult(status=Status.MEMORY_LIMIT, killed_by="memory", message=why, **common)
    if signum == signal.SIGXFSZ:
        return RunResult(
            status=Status.OUTPUT_LIMIT, killed_by="file_size", message="file size limit", **common
        )
    if killed_by in ("wall_time", "wall_time_cap"):
        return RunResult(status=Status.IDLE_LIMIT, killed_by=killed_by, message=_idle_message(meta), **common)
    refused = meta.pids_max_hits
    note = f"; {refused} fork/clone refused at the process limit" if refused > 0 else ""
    if signum is not None:
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
        return RunResult(status=Status.SIGNALED, message=f"killed by {name}{note}", **common)
    if failed:
        return RunResult(status=Status.NONZERO_EXIT, message=f"exit code {exit_code}{note}", **common)
    return RunResult(status=Status.OK, **common)


def _idle_message(meta: RunnerMeta) -> str:
    wait = max(meta.wait_ns, 0) / 1e9
    if meta.killed_by == "wall_time_cap":
        cap = meta.wall_cap_ns / 1e9
        return (
            f"hard wall-clock cap of {cap:.1f} s (4 x wall limit + 1 s) reached, not idle: the tree spent "
            f"{wait:.2f} s waiting for a CPU (machine overloaded, or the program lowered its own priority)"
        )
    if meta.schedstat == -1:
        return (
            "wall time limit; this host has no usable /proc/<pid>/schedstat, so time spent waiting for a "
            "CPU on a busy machine counted as idle"
        )
    return f"wall time limit, not counting {wait:.2f} s spent waiting for a CPU"
