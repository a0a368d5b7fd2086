"""The runner as a long-lived server per judging process (``runner --server FD``, see runner/server.c).

Spawning the runner binary per run (a fork of this large process, exec, dynamic loading) costs about as
much as the sandboxing itself; the server forks a small process instead. A run is one message on a
SOCK_SEQPACKET socket: the runner's argv and its fds (SCM_RIGHTS) at the numbers a spawned runner would
have them, and a pipe that gets the run's wait status once its runner exits.

Whenever the server is unavailable (not started, died, refused to start), ``start`` returns None and the
caller spawns a runner of its own; a dead server is replaced on the next run. One server per runner
binary and process: the registry is this module's one piece of mutable state, forgotten by a forked child
(the server's socket is its parent's)."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

_MAX_FDS = 8  # SERVER_MAX_FDS in server.c
_CPU_WORDS = 16  # SERVER_CPU_WORDS
_HEADER = struct.Struct(f"=i{_MAX_FDS}ii{_CPU_WORDS}Q")  # struct server_request


class RunnerServer:
    """One server process and the socket to it; ``alive`` until a send fails or it was closed."""

    def __init__(self, runner: Path) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [str(runner), "--server", str(theirs.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env={},
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours
        self.alive = True

    def start(self, args: Sequence[str], fds: Sequence[tuple[int, int]]) -> int | None:
        """Starts one runner with ``args`` (``args[0]`` the runner's path) and ``fds`` as (number in the
        runner, our fd) pairs. Returns the read end of the pipe that gets its wait status, or None when
        the server is gone (then nothing was started)."""
        if len(fds) > _MAX_FDS:
            raise ValueError(f"at most {_MAX_FDS} fds per run")
        if self.proc.poll() is not None:
            # Dead: its standby runner may hold the socket a moment longer, and a request sent now would
            # be lost with it rather than refused.
            self.alive = False
            return None
        targets = [t for t, _ in fds] + [0] * (_MAX_FDS - len(fds))
        # what a runner spawned by the calling thread would inherit from it (see server.c)
        words = [0] * _CPU_WORDS
        for cpu in os.sched_getaffinity(0):
            if cpu < 64 * _CPU_WORDS:
                words[cpu // 64] |= 1 << (cpu % 64)
        nice = os.getpriority(os.PRIO_PROCESS, 0)
        header = _HEADER.pack(len(fds), *targets, nice, *words)
        # (one join and one encode, as os.fsencode each: a run's Python side is on its critical path)
        joined = "\0".join(args)
        if joined.count("\0") != len(args) - 1:
            raise ValueError("an argument holds a NUL byte")  # it would split into two for the runner
        payload = header + joined.encode("utf-8", "surrogateescape") + b"\0"
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        try:
            socket.send_fds(self.sock, [payload], [fd for _, fd in fds] + [status_w])
        except OSError:
            self.alive = False
            os.close(status_r)
            return None
        finally:
            os.close(status_w)
        return status_r

    def close(self) -> None:
        """Ends the server (closing our end is its signal) and reaps it."""
        self.alive = False
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


def wait_status(status_fd: int) -> int | None:
    """The runner's exit code as ``Popen.returncode`` gives it, from the pipe ``start`` returned (closed
    here); None when the server died before the runner's end was known."""
    try:
        raw = b""
        while len(raw) < 4 and (chunk := os.read(status_fd, 4 - len(raw))):
            raw += chunk
    finally:
        os.close(status_fd)
    if len(raw) < 4:
        return None
    status = int.from_bytes(raw, "little", signed=True)
    return None if status < 0 else os.waitstatus_to_exitcode(status)


class _Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.servers: dict[Path, RunnerServer] = {}

    def forget(self) -> None:
        # After a fork: the servers are the parent's. The child's copies of their sockets are closed, so
        # that a server still sees its judging process's end when that process dies.
        for server in self.servers.values():
            with contextlib.suppress(OSError):
                server.sock.close()
        self.lock = threading.Lock()
        self.servers = {}


_REGISTRY = _Registry()
os.register_at_fork(after_in_child=_REGISTRY.forget)


def server_for(runner: Path) -> RunnerServer | None:
    """This process's server for ``runner``, started (again) when there is none alive; None when it
    cannot be started."""
    with _REGISTRY.lock:
        server = _REGISTRY.servers.get(runner)
        if server is not None and server.alive:
            return server
        if server is not None:
            server.close()
        try:
            server = RunnerServer(runner)
        except OSError:
            return None
        _REGISTRY.servers[runner] = server
        return server


def close_servers() -> None:
    """Ends this process's runner servers (the next run starts one again). Each one's standby runner
    releases what it claimed ahead (a cgroup, a network namespace, a scratch tmpfs) before the server
    exits, so that a cgroup parent can then be removed."""
    with _REGISTRY.lock:
        servers, _REGISTRY.servers = list(_REGISTRY.servers.values()), {}
    for server in servers:
        server.close()


def server_pids() -> list[int]:
    """The pids of this process's live runner servers (a bench counts their CPU and their children's)."""
    with _REGISTRY.lock:
        return [s.proc.pid for s in _REGISTRY.servers.values() if s.alive]
