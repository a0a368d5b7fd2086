"""The native backend: namespaces, a cgroup, rlimits, an unprivileged uid and seccomp, set up by a small C
runner (``runner/runner.c``) that reports exact measurements as one JSON line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.limits import Limits
from sandbox.result import RunResult, Status
from sandbox.runner_build import runner_path
from sandbox.streams import StdinSpec, StdoutSpec, open_output, open_stdin, release
from sandbox.unconfined import SAFE_PATH


def run_native(
    argv: Sequence[str],
    limits: Limits,
    *,
    workdir: Path,
    stdin: StdinSpec,
    stdout: StdoutSpec,
    stderr: StdoutSpec,
    env: Mapping[str, str] | None,
    readonly_paths: Sequence[Path],
    writable_paths: Sequence[Path],
    config: SandboxConfig,
) -> RunResult:
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            f"the native sandbox needs root (running as uid {os.geteuid()}): namespaces, cgroups and the "
            "unprivileged sandbox uid cannot be set up; opt in to the unconfined backend to run without them"
        )
    runner = runner_path(config)
    mounts = config.cache_dir / "mnt"
    (mounts / "root").mkdir(parents=True, exist_ok=True)
    (mounts / "scratch").mkdir(exist_ok=True)
    with contextlib.ExitStack() as stack:
        stdin_fd = open_stdin(stdin, stack)
        copies: list[int] = []  # the runner's copies of stdout/stderr, closed by us once it has started
        stack.callback(_close_all, copies)
        out_fd = _private_copy(open_output(stdout, "stdout", stack), copies)
        err_fd = _private_copy(open_output(stderr, "stderr", stack), copies)
        meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
        stack.callback(os.close, meta_r)
        args = _runner_args(
            runner,
            argv,
            limits,
            workdir,
            env,
            readonly_paths,
            writable_paths,
            config,
            mounts,
            meta_w,
            out_fd,
            err_fd,
        )
        passed = tuple(fd for fd in (meta_w, out_fd, err_fd) if fd is not None)
        try:
            proc = subprocess.Popen(
                args,
                stdin=stdin_fd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=passed,
                env={},
            )
        finally:
            # The runner holds its own copies now: ours would keep a pipe open past the program's close.
            os.close(meta_w)
            _close_all(copies)
            release(stdout, stderr)
        meta_raw = _read_all(meta_r)
        assert proc.stderr is not None
        runner_err = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    return _result(meta_raw, runner_err, code, argv)


def _private_copy(fd: int | None, copies: list[int]) -> int | None:
    """A copy numbered 3 or above: the runner's own fds 0-2 are taken (stdin, /dev/null, error pipe)."""
    if fd is None:
        return None
    copy = os.dup(fd)
    copies.append(copy)
    return copy


def _close_all(fds: list[int]) -> None:
    while fds:
        os.close(fds.pop())


def _runner_args(
    runner: Path,
    argv: Sequence[str],
    limits: Limits,
    workdir: Path,
    env: Mapping[str, str] | None,
    readonly_paths: Sequence[Path],
    writable_paths: Sequence[Path],
    config: SandboxConfig,
    mounts: Path,
    meta_fd: int,
    out_fd: int | None,
    err_fd: int | None,
) -> list[str]:
    disk = config.tmp_size or limits.disk
    stack = limits.stack or limits.memory or 0
    args = [
        str(runner),
        "--meta-fd", str(meta_fd),
        "--cpu-ns", str(round((limits.cpu_time or 0) * 1e9)),
        "--wall-ns", str(round((limits.effective_wall_time() or 0) * 1e9)),
        "--mem", str(limits.memory or 0),
        "--out-limit", str(-1 if limits.stdout_bytes is None else limits.stdout_bytes),
        "--err-limit", str(-1 if limits.stderr_bytes is None else limits.stderr_bytes),
        "--out-fd", str(-1 if out_fd is None else out_fd),
        "--err-fd", str(-1 if err_fd is None else err_fd),
        "--procs", str(limits.processes),
        "--nofile", str(limits.open_files),
        "--fsize", str(limits.file_size),
        "--disk", str(max(disk, 4096)),
        "--stack", str(stack),
        "--uid", str(config.sandbox_uid),
        "--gid", str(config.sandbox_gid),
        "--workdir", str(workdir),
        "--root-mnt", str(mounts / "root"),
        "--scratch-mnt", str(mounts / "scratch"),
        "--cgroup-root", str(config.cgroup_root),
        "--cgroup-name", config.cgroup_name,
    ]  # fmt: skip
    if config.network == "shared":
        args += ["--netns", str(config.cache_dir / "netns")]
    for p in readonly_paths:
        args += ["--ro", str(p)]
    for p in writable_paths:
        args += ["--rw", str(p)]
    for key, value in {"PATH": SAFE_PATH, **(env or {})}.items():
        if "=" in key or "\0" in key or "\0" in value:
            raise SandboxError(f"environment variable {key!r} has '=' or NUL in its name or value")
        args += ["--env", f"{key}={value}"]
    return [*args, "--", *argv]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _result(meta_raw: bytes, runner_err: bytes, code: int, argv: Sequence[str]) -> RunResult:
    try:
        meta: dict[str, Any] = json.loads(meta_raw)
    except ValueError:
        detail = runner_err.decode(errors="replace").strip() or f"exit code {code}"
        return RunResult(status=Status.SANDBOX_ERROR, message=f"sandbox runner failed: {detail}")
    if "error" in meta:
        if meta["error"] == "unavailable":
            raise SandboxUnavailable(meta["message"])
        return RunResult(status=Status.SANDBOX_ERROR, message=f"sandbox runner: {meta['message']}")
    return interpret(meta, argv)


def interpret(meta: Mapping[str, Any], argv: Sequence[str]) -> RunResult:
    """Turns the runner's raw measurements into a RunResult. The order of the checks is the policy:
    a limit the sandbox enforced wins over how the program happened to die of it."""
    status_word: int = meta["status"]
    killed_by: str | None = meta["killed_by"]
    exit_code = signum = None
    if status_word >= 0:
        if os.WIFEXITED(status_word):
            exit_code = os.WEXITSTATUS(status_word)
        elif os.WIFSIGNALED(status_word):
            signum = os.WTERMSIG(status_word)
    common = {
        "exit_code": exit_code,
        "signal": signum,
        "cpu_time": max(meta["cpu_ns"], 0) / 1e9,
        "wall_time": meta["wall_ns"] / 1e9,
        "peak_memory": max(meta["peak"], 0),
        "stdout_bytes": meta["stdout_bytes"],
        "stderr_bytes": meta["stderr_bytes"],
        "wait_time": max(meta.get("wait_ns", 0), 0) / 1e9,
        "ended_at": meta["end_mono_ns"] / 1e9 if meta.get("end_mono_ns") else None,
    }
    if meta["exec_errno"]:
        name = os.strerror(meta["exec_errno"])
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
    if meta["oom_kill"] > 0 or (failed and meta["failcnt"] > 0) or signum == signal.SIGSYS:
        why = "one allocation larger than the machine" if signum == signal.SIGSYS else "memory limit"
        return RunResult(status=Status.MEMORY_LIMIT, killed_by="memory", message=why, **common)
    if signum == signal.SIGXFSZ:
        return RunResult(
            status=Status.OUTPUT_LIMIT, killed_by="file_size", message="file size limit", **common
        )
    if killed_by in ("wall_time", "wall_time_cap"):
        return RunResult(status=Status.IDLE_LIMIT, killed_by=killed_by, message=_idle_message(meta), **common)
    refused = meta.get("pids_max_hits", 0)
    note = f"; {refused} fork/clone refused at the process limit" if refused > 0 else ""
    if signum is not None:
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
        return RunResult(status=Status.SIGNALED, message=f"killed by {name}{note}", **common)
    if failed:
        return RunResult(status=Status.NONZERO_EXIT, message=f"exit code {exit_code}{note}", **common)
    return RunResult(status=Status.OK, **common)


def _idle_message(meta: Mapping[str, Any]) -> str:
    wait = max(meta.get("wait_ns", 0), 0) / 1e9
    if meta["killed_by"] == "wall_time_cap":
        cap = meta.get("wall_cap_ns", 0) / 1e9
        return (
            f"hard wall-clock cap of {cap:.1f} s (4 x wall limit + 1 s) reached, not idle: the tree spent "
            f"{wait:.2f} s waiting for a CPU (machine overloaded, or the program lowered its own priority)"
        )
    if meta.get("schedstat") == -1:
        return (
            "wall time limit; this host has no usable /proc/<pid>/schedstat, so time spent waiting for a "
            "CPU on a busy machine counted as idle"
        )
    return f"wall time limit, not counting {wait:.2f} s spent waiting for a CPU"
