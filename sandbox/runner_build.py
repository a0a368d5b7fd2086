"""Building the C runner on first use, cached by the hash of its source."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxUnavailable

_CFLAGS = ["-O2", "-Wall", "-Wno-format-truncation"]


def runner_source() -> bytes:
    return resources.files("sandbox").joinpath("runner/runner.c").read_bytes()


def runner_path(config: SandboxConfig) -> Path:
    """Path of the compiled runner, building it when the cached one is missing (safe across processes)."""
    source = runner_source()
    digest = hashlib.sha256(source).hexdigest()[:16]
    target = config.cache_dir / f"runner-{digest}"
    if target.exists():
        return target
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
            return
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    raise SandboxUnavailable(f"cannot build the sandbox runner from {src}: {proc.stderr.strip()[-2000:]}")
