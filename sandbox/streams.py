"""Turning the caller's stdin/stdout/stderr arguments into file descriptors the runner inherits."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sandbox.errors import SandboxConfigError

StdinSpec = Path | int | bytes | None
StdoutSpec = Path | int | None


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
