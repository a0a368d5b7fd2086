"""Building the C runner (``runner/*.c``, ``runner/runner.h``) on first use, cached by the hash of its
sources."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import time
from importlib import resources
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxUnavailable

_CFLAGS = ["-O2", "-Wall", "-Wno-format-truncation"]


def runner_dir() -> Path:
    return Path(str(resources.files("sandbox").joinpath("runner")))


def runner_sources() -> list[Path]:
    """The runner's C files and headers, in a stable order."""
    return sorted(p for p in runner_dir().iterdir() if p.suffix in (".c", ".h"))


@functools.lru_cache(maxsize=4)
def _digest(directory: Path, mtime_ns: int) -> str:
    # A memo keyed by the source directory's mtime (a file added, removed or replaced by an editor):
    # hashing, or even a stat per source, on every run costs more than all the rest in Python.
    h = hashlib.sha256()
    for path in runner_sources():
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def runner_digest() -> str:
    """Hash of every source of the runner (names and contents)."""
    directory = runner_dir()
    return _digest(directory, directory.stat().st_mtime_ns)


def runner_path(config: SandboxConfig) -> Path:
    """Path of the compiled runner, building it when the cached one is missing (safe across processes)."""
    target = config.cache_dir / f"runner-{runner_digest()}"
    if target.exists():
        return target
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    with open(config.cache_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        _compile(runner_sources(), target, config.compiler)
    return target


def _compile(sources: list[Path], target: Path, compiler: str) -> None:
    cc = shutil.which(compiler)
    if cc is None:
        raise SandboxUnavailable(
            f"C compiler {compiler!r} not found: cannot build the sandbox runner (no namespaces, cgroups or "
            "seccomp can be set up); install gcc, or opt in to the unconfined backend"
        )
    # A copy of the sources beside the binary: the build never depends on the package dir staying put.
    src = target.with_name(f"{target.name}-src")
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir()
    for path in sources:
        shutil.copyfile(path, src / path.name)
    c_files = [str(src / p.name) for p in sources if p.suffix == ".c"]
    # Static when libc.a is there: saves the dynamic loader's work on every run.
    for extra in (["-static"], []):
        proc = subprocess.run(
            [cc, *_CFLAGS, *extra, "-o", str(tmp), *c_files], capture_output=True, text=True, check=False
        )
        if proc.returncode == 0:
            os.replace(tmp, target)
            _remove_older(target, src)
            return
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    raise SandboxUnavailable(f"cannot build the sandbox runner from {src}: {proc.stderr.strip()[-2000:]}")


def _remove_older(target: Path, src: Path) -> None:
    """Runners of older sources, once a day old: several versions may be in use at once (checkouts
    sharing a cache dir, a run still executing one), and removing theirs would only have them rebuilt."""
    cutoff = time.time() - 86400
    for old in target.parent.glob("runner-*"):
        if old.name in (target.name, src.name) or ".tmp" in old.name:
            continue
        with contextlib.suppress(OSError):
            if old.lstat().st_mtime > cutoff:
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
