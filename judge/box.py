"""A fresh box for every run of a submission: nothing of one test is visible to the next.

The sandbox gives each run a private tmpfs work dir; the judge asks it not to copy what the program
leaves there back to the host (``copy_back=False``), so a box is an empty host directory that stays
empty (on the unconfined backend, which writes it directly, it is emptied after every test). The
test's input reaches the program as stdin through an anonymous, read-only memory file:
``/proc/self/fd/0`` names ``memfd:input``, not the test's path (which would tell the program where
the other tests and their answers lie).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from judge.errors import JudgeError


@contextlib.contextmanager
def fresh_box(box: Path) -> Iterator[Path]:
    """``box`` (created if missing) as the empty work dir of one run, emptied again after it.

    The native and docker backends never write it (copy_back=False: the program's writes go to its
    private tmpfs, gone with the run), so one directory serves every test of a submission and only an
    emptiness check is paid per test (making and removing a directory costs 1-3 ms on a busy ext4)."""
    box.mkdir(mode=0o755, exist_ok=True)
    try:
        yield box
    finally:
        with os.scandir(box) as entries:
            dirty = any(True for _ in entries)
        if dirty:  # the unconfined backend writes the directory itself
            shutil.rmtree(box, ignore_errors=True)
            box.mkdir(mode=0o755, exist_ok=True)


@contextlib.contextmanager
def neutral_stdin(path: Path) -> Iterator[int]:
    """A read-only fd holding the content of ``path``, named ``memfd:input``; closed afterwards.

    The copy is made in the kernel (sendfile), about 0.1 ms per MiB; its pages are charged to the judge,
    not to the program, as the input file's page cache would be."""
    try:
        src = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise JudgeError(f"test input {path}: {exc.strerror}") from exc
    memfd = -1
    try:
        size = os.fstat(src).st_size
        memfd = os.memfd_create("input", os.MFD_CLOEXEC)
        done = 0
        while done < size:
            sent = os.sendfile(memfd, src, done, size - done)
            if sent == 0:  # the file shrank under us: what was read is the input
                break
            done += sent
        # Read-only: the program cannot change the data (or grow the judge's memory) through its stdin.
        reader = os.open(f"/proc/self/fd/{memfd}", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(src)
        if memfd >= 0:
            os.close(memfd)
    try:
        yield reader
    finally:
        os.close(reader)


@contextlib.contextmanager
def run_box(box: Path, *, fresh: bool) -> Iterator[Path]:
    """The work dir of one test: a fresh box, or (``fresh=False``, the old, unsafe way kept as the
    attack suite's negative control) the same directory holding whatever earlier tests left there."""
    if fresh:
        with fresh_box(box) as empty:
            yield empty
        return
    box.mkdir(exist_ok=True)
    box.chmod(0o777)
    yield box


@contextlib.contextmanager
def run_stdin(path: Path, *, neutral: bool) -> Iterator[int | Path]:
    """The input of one test: a neutral memfd, or (``neutral=False``) the test file itself."""
    if not neutral:
        yield path.resolve()
        return
    with neutral_stdin(path) as fd:
        yield fd
