"""Building the C runner on first use, cached by the hash of its source."""

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


_STALE_RUNNER_S = 24 * 3600


def runner_source() -> Path:
    return Path(str(resources.files("sandbox").joinpath("runner/runner.c")))


@functools.lru_cache(maxsize=4)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    # A memo keyed by the file's identity: hashing on every run costs more than all the rest in Python.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def runner_path(config: SandboxConfig) -> Path:
    """Path of the compiled runner, building it when the cached one is missing (safe across processes)."""
    src = runner_source()
    st = src.stat()
    target = config.cache_dir / f"runner-{_digest(src, st.st_mtime_ns, st.st_size)}"
    if target.exists():
        return target
    source = src.read_bytes()
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    with open(config.cache_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        _compile(source, target, config.compiler)
    return target


def _compile(source: bytes, target: Path, compiler: str) -> None:
    cc = shutil.which(compiler)
    if cc is None:
        raise SandboxUnavailable(
            f"C compiler {compiler!r} not found: cannot build the sandbox runner (no namespaces, cgroups or "
            "seccomp can be set up); install gcc, or opt in to the unconfined backend"
        )
    src = target.with_suffix(".c")
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    src.write_bytes(source)
    # Static when libc.a is there: saves the dynamic loader's work on every run.
    for extra in (["-static"], []):
        proc = subprocess.run(
            [cc, *_CFLAGS, *extra, "-o", str(tmp), str(src)], capture_output=True, text=True, check=False
        )
        if proc.returncode == 0:
            os.replace(tmp, target)
            for old in target.parent.glob("runner-*"):
                if old.name not in (target.name, src.name):
                    # Runners of older sources, once a day old: checkouts of different versions on one
                    # machine share this cache, and removing a runner another one is about to start
                    # made its runs fail (a run still executing one keeps its inode).
                    with contextlib.suppress(OSError):
                        if time.time() - old.stat().st_mtime > _STALE_RUNNER_S:
                            old.unlink()
            return
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    raise SandboxUnavailable(f"cannot build the sandbox runner from {src}: {proc.stderr.strip()[-2000:]}")
