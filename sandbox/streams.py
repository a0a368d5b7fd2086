"""Turning the caller's stdin/stdout/stderr arguments into file descriptors the runner inherits."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from sandbox.errors import SandboxConfigError


class HandOff:
    """An fd whose ownership passes to the run: the sandbox closes the caller's copy as soon as the
    runner holds its own, so the run's end of a pipe is the only one left. Why: a peer reading that pipe
    (an interactive solution) must see EOF the moment the program closes its stdout, not when the run
    returns. Closing is idempotent and thread-safe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                os.close(self.fd)


StdinSpec = Path | int | bytes | None
StdoutSpec = Path | int | HandOff | None


def release(*specs: object) -> None:
    """Close the caller's copies of handed-off fds (call once the runner has started with its own)."""
    for spec in specs:
        if isinstance(spec, HandOff):
            spec.close()


def open_stdin(spec: StdinSpec, stack: contextlib.ExitStack) -> int:
    """An fd to read the program's stdin from; owned fds are closed by ``stack``."""
    if spec is None:
        fd = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    elif isinstance(spec, bytes):
        # A memfd instead of a pipe: any size, no writer thread, and the program may seek it.
        fd = os.memfd_create("cpelo-stdin", os.MFD_CLOEXEC)
        view = memoryview(spec)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
    elif isinstance(spec, int):
        _check_fd(spec, "stdin")
        return spec
    else:
        try:
            fd = os.open(spec, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise SandboxConfigError(f"stdin file {spec}: {exc.strerror}") from exc
    stack.callback(os.close, fd)
    return fd


def open_output(spec: StdoutSpec, name: str, stack: contextlib.ExitStack) -> int | None:
    """An fd the program's output is copied to, or None to discard (bytes are still counted)."""
    if spec is None:
        return None
    if isinstance(spec, HandOff):
        _check_fd(spec.fd, name)
        stack.callback(spec.close)  # also when the run never started
        return spec.fd
    if isinstance(spec, int):
        _check_fd(spec, name)
        return spec
    try:
        fd = os.open(spec, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise SandboxConfigError(f"{name} file {spec}: {exc.strerror}") from exc
    stack.callback(os.close, fd)
    return fd


def _check_fd(fd: int, name: str) -> None:
    try:
        os.fstat(fd)
    except OSError as exc:
        raise SandboxConfigError(f"{name} fd {fd} is not an open file descriptor: {exc.strerror}") from exc
