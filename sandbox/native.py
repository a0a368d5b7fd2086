"""The native backend: namespaces, a cgroup, rlimits, an unprivileged uid and seccomp, set up by a small C
runner (``runner/*.c``) that reports exact measurements as one JSON line (``runner_protocol``)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxUnavailable
from sandbox.limits import Limits
from sandbox.result import RunResult
from sandbox.runner_build import runner_path
from sandbox.runner_protocol import RunnerCommand, meta_complete, run_result
from sandbox.streams import StdinSpec, StdoutSpec, open_output, open_stdin


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
    copy_back: bool = True,
) -> RunResult:
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            f"the native sandbox needs root (running as uid {os.geteuid()}): namespaces, cgroups and the "
            "unprivileged sandbox uid cannot be set up; opt in to the unconfined backend to run without them"
        )
    command = RunnerCommand.for_config(runner_path(config), config)
    (command.mounts / "root").mkdir(parents=True, exist_ok=True)
    (command.mounts / "scratch").mkdir(exist_ok=True)
    with contextlib.ExitStack() as stack:
        stdin_fd = open_stdin(stdin, stack)
        out_fd = _private_copy(open_output(stdout, "stdout", stack), stack)
        err_fd = _private_copy(open_output(stderr, "stderr", stack), stack)
        meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
        stack.callback(os.close, meta_r)
        args = command.argv(
            argv,
            limits,
            workdir=workdir,
            env=env,
            readonly_paths=readonly_paths,
            writable_paths=writable_paths,
            meta_fd=meta_w,
            out_fd=out_fd,
            err_fd=err_fd,
            copy_back=copy_back,
        )
        passed = tuple(fd for fd in (meta_w, out_fd, err_fd) if fd is not None)
        try:
            proc = _spawn(args, stdin_fd, passed, config)
        finally:
            os.close(meta_w)
        meta_raw = read_all(meta_r)
        assert proc.stderr is not None
        runner_err = proc.stderr.read()
        proc.stderr.close()
        code = proc.poll()
        if code is None and meta_complete(meta_raw):
            # The runner is topping up its namespace pool: reaped in the background, never waited for.
            threading.Thread(target=proc.wait, daemon=True).start()
            code = 0
        elif code is None:
            code = proc.wait()
    return run_result(meta_raw, runner_err, code, argv, limits.memory)


def _spawn(
    args: list[str], stdin_fd: int, passed: tuple[int, ...], config: SandboxConfig
) -> subprocess.Popen[bytes]:
    for attempt in (1, 2):
        try:
            return subprocess.Popen(
                args,
                stdin=stdin_fd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=passed,
                env={},
            )
        except FileNotFoundError:
            # The cached runner vanished since it was found (a cache dir shared with another version's
            # cleanup): built again once.
            if attempt == 2:
                raise
            args = [str(runner_path(config)), *args[1:]]
    raise AssertionError("unreachable")


def _private_copy(fd: int | None, stack: contextlib.ExitStack) -> int | None:
    """A copy numbered 3 or above: the runner's own fds 0-2 are taken (stdin, /dev/null, error pipe)."""
    if fd is None:
        return None
    copy = os.dup(fd)
    stack.callback(os.close, copy)
    return copy


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)
