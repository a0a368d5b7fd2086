"""The native backend: namespaces, a cgroup, rlimits, an unprivileged uid and seccomp, set up by a small C
runner (``runner/*.c``) that reports exact measurements as one JSON line (``runner_protocol``)."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxUnavailable
from sandbox.host import check_userns, find_cgroup
from sandbox.limits import Limits
from sandbox.result import RunResult
from sandbox.runner_build import runner_path
from sandbox.runner_protocol import RunnerCommand, meta_complete, run_result
from sandbox.runner_server import server_for, wait_status
from sandbox.streams import StdinSpec, StdoutSpec, open_output, open_stdin, release


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
    command = _command(config)
    with contextlib.ExitStack() as stack:
        stdin_fd = open_stdin(stdin, stack)
        copies: list[int] = []  # the runner's copies of stdout/stderr, closed by us once it has started
        stack.callback(_close_all, copies)
        out_fd = _private_copy(open_output(stdout, "stdout", stack), copies)
        err_fd = _private_copy(open_output(stderr, "stderr", stack), copies)
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
        served = None
        try:
            if config.runner_server:
                served = _start_served(args, stdin_fd, passed, stack)
            proc = _spawn(args, stdin_fd, passed, config) if served is None else None
        finally:
            # The runner holds its own copies now: ours would keep a pipe open past the program's close.
            os.close(meta_w)
            _close_all(copies)
            release(stdout, stderr)
        meta_raw = read_all(meta_r)
        if served is not None:
            err_r, status_r = served
            runner_err = read_all(err_r)
            if meta_complete(meta_raw):
                # The runner is topping up its pools: its status is not worth waiting for.
                os.close(status_r)
                code = 0
            else:
                status = wait_status(status_r)
                # the server died with the run: as a runner killed under us
                code = -signal.SIGKILL if status is None else status
        else:
            assert proc is not None and proc.stderr is not None
            runner_err = proc.stderr.read()
            proc.stderr.close()
            polled = proc.poll()
            if polled is None and meta_complete(meta_raw):
                # The runner is topping up its namespace pool: reaped in the background, never waited for.
                threading.Thread(target=proc.wait, daemon=True).start()
                code = 0
            else:
                code = proc.wait() if polled is None else polled
    return run_result(meta_raw, runner_err, code, argv, limits.memory)


@functools.lru_cache(maxsize=8)
def _command(config: SandboxConfig) -> RunnerCommand:
    """The runner's command for ``config``, made once per process: finding the runner (a hash of its
    sources), the cgroup and the mount points is the same for every run. (The runner makes its mount
    points again if they vanish; a runner binary that vanished is built again by ``_spawn``.)"""
    command = _rootless(RunnerCommand.for_config(runner_path(config), config), config)
    (command.mounts / "root").mkdir(parents=True, exist_ok=True)
    (command.mounts / "scratch").mkdir(exist_ok=True)
    return command


def _start_served(
    args: list[str], stdin_fd: int, passed: tuple[int, ...], stack: contextlib.ExitStack
) -> tuple[int, int] | None:
    """The run started by this process's runner server: (the runner's stderr, its status pipe), or None
    when there is no server to start it (then the caller spawns the runner)."""
    server = server_for(Path(args[0]))
    if server is None:
        return None
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    try:
        status_r = server.start(args, [(0, stdin_fd), (1, null), (2, err_w), *((fd, fd) for fd in passed)])
    finally:
        os.close(err_w)
        os.close(null)
    if status_r is None:
        os.close(err_r)
        return None
    stack.callback(os.close, err_r)
    return err_r, status_r


def _rootless(command: RunnerCommand, config: SandboxConfig) -> RunnerCommand:
    """Root: the runner finds its cgroups itself. Any other user: an unprivileged user namespace, inside a
    delegated cgroup v2 subtree when there is one, else under rlimits only (every result says which)."""
    if os.geteuid() == 0:
        return command
    userns = check_userns()
    if not userns.available:
        raise SandboxUnavailable(f"the native sandbox without root needs user namespaces: {userns.reason}")
    cgroup = find_cgroup(config)
    # No shared network namespace: keeping one alive takes a bind mount in the host's mount namespace.
    return command.model_copy(
        update={
            "netns": None,
            "netns_pool": None,
            "mnt_template": None,
            "cgroup_v2": cgroup.parent if cgroup.version == "v2" else None,
            "no_cgroup": cgroup.version != "v2",
        }
    )


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
            _command.cache_clear()
            args = [str(runner_path(config)), *args[1:]]
    raise AssertionError("unreachable")


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


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)
