"""``sandbox.run``: one untrusted process tree under limits, with exact measurements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.errors import SandboxConfigError, SandboxUnavailable
from sandbox.limits import Limits
from sandbox.result import RunResult
from sandbox.streams import StdinSpec, StdoutSpec


def run(
    argv: Sequence[str],
    limits: Limits,
    *,
    workdir: Path,
    stdin: StdinSpec = None,
    stdout: StdoutSpec = None,
    stderr: StdoutSpec = None,
    env: Mapping[str, str] | None = None,
    readonly_paths: Sequence[Path] = (),
    writable_paths: Sequence[Path] = (),
    config: SandboxConfig | None = None,
    copy_back: bool = True,
) -> RunResult:
    """Run ``argv`` in ``workdir`` under ``limits``.

    ``argv[0]`` is an absolute path visible in the sandbox. ``workdir`` (the cwd), ``readonly_paths`` and
    ``writable_paths`` appear at the same absolute paths inside. ``stdin``: a file, an fd of the caller
    (not closed), bytes, or None for /dev/null. ``stdout``/``stderr``: a file (truncated), an fd of the
    caller, or None to discard; bytes are counted either way. ``env`` is the whole environment besides a
    safe PATH. ``copy_back``: files the program creates in its work dir are copied to ``workdir``
    afterwards (native and docker run it on a private tmpfs); False throws them away with the tmpfs
    (the unconfined backend writes ``workdir`` itself either way). Raises SandboxUnavailable when the
    backend cannot enforce the limits on this host.
    """
    config = config or SandboxConfig()
    if not argv:
        raise SandboxConfigError("argv is empty: nothing to run")
    if not Path(argv[0]).is_absolute():
        raise SandboxConfigError(f"argv[0] {argv[0]!r} is not an absolute path")
    workdir = Path(workdir)
    if not workdir.is_absolute() or not workdir.is_dir():
        raise SandboxConfigError(f"workdir {workdir} is not an existing absolute directory")
    for path in (*readonly_paths, *writable_paths):
        if not Path(path).is_absolute() or not Path(path).exists():
            raise SandboxConfigError(f"mounted path {path} is not an existing absolute path")
    if config.backend == "unconfined":
        if not config.allow_unconfined:
            raise SandboxUnavailable(
                "backend 'unconfined' isolates nothing (no namespaces, cgroups or seccomp); "
                "set allow_unconfined=True to run untrusted code with rlimits only"
            )
        from sandbox.unconfined import run_unconfined

        return run_unconfined(
            argv, limits, workdir=workdir, stdin=stdin, stdout=stdout, stderr=stderr, env=env
        )
    if config.backend == "docker":
        from sandbox.docker.backend import run_docker as run_backend
    else:
        from sandbox.native import run_native as run_backend

    return run_backend(
        argv,
        limits,
        workdir=workdir,
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        env=env,
        readonly_paths=[Path(p) for p in readonly_paths],
        writable_paths=[Path(p) for p in writable_paths],
        config=config,
        copy_back=copy_back,
    )
