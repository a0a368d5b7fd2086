"""Compiling a program in the sandbox, through the compile cache.

The compiler runs with its own limits (Language.compile_limits: 30 s CPU, 1 GiB, bounded output, many
processes); a failure is a compilation error with the compiler's message, cached like a success.
A compiler killed for time, or a sandbox failure, is not cached: it may not happen again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sandbox
from judge.compile_cache import CompileCache, cache_key, seal, tree_size
from judge.errors import JudgeError, LanguageUnavailable
from judge.languages.base import Language
from sandbox import SandboxConfig, Status

LOG_LIMIT = 64 * 1024  # characters of compiler output kept


class SandboxFailure(JudgeError):
    """The sandbox could not run the compiler (a judge-side failure, never the submission's fault)."""


@dataclass(frozen=True)
class Program:
    """A compiled program (a directory from the cache) or the reason it did not compile."""

    language: Language
    ok: bool
    log: str
    files: Path
    cached: bool  # True when no compiler ran for this call

    def install(self, target: Path) -> Path:
        """Copy the program into ``target`` (visible to the sandbox, read-only) and return it."""
        shutil.copytree(self.files, target, symlinks=True)
        seal(target)
        return target


def compile_program(
    language: Language,
    sources: Mapping[str, bytes],
    *,
    cache: CompileCache,
    config: SandboxConfig,
    main_code: str = "",
    work_root: Path | None = None,
) -> Program:
    """Compile ``sources`` (file name -> content; the first is the main file) or fetch them from the cache."""
    tool = language.tool()
    if tool is None:
        raise LanguageUnavailable(
            f"language {language.id} ({language.name}): {language.command} not found; "
            f"install: {language.install_hint}"
        )
    key = cache_key(language.id, language.toolchain_identity(), language.compile_flags(), sources)
    hit = cache.get(key)
    if hit is not None:
        return Program(language, hit.ok, hit.log, hit.files, cached=True)
    with tempfile.TemporaryDirectory(prefix="cpelo-compile-", dir=work_root) as tmp:
        work = Path(tmp)
        build = work / "build"
        build.mkdir()
        for name, content in sources.items():
            (build / name).write_bytes(content)
        _open_permissions(work, writable=False)
        _open_permissions(build, writable=True)
        argv = language.compile_argv([build / name for name in sources], build)
        log = ""
        ok = True
        if argv is not None:
            out, err = work / "compile.out", work / "compile.err"
            # No file the compiler writes may be larger than a program may be (RLIMIT_FSIZE).
            limits = language.compile_limits()
            limits = limits.model_copy(update={"file_size": min(limits.file_size, cache.max_entry_bytes)})
            result = sandbox.run(
                argv,
                limits,
                workdir=build,
                stdout=out,
                stderr=err,
                env=language.compile_env(build),
                writable_paths=[build],
                config=config,
            )
            log = _read_log(out) + _read_log(err)
            if result.status is Status.SANDBOX_ERROR:
                raise SandboxFailure(f"sandbox failed to run the {language.name} compiler: {result.message}")
            ok = result.status is Status.OK
            if not ok and result.status not in (Status.NONZERO_EXIT, Status.SIGNALED):
                log += f"\ncompiler stopped: {result.status} ({result.killed_by or result.message})"
            if not ok and (result.killed_by == "file_size" or "File size limit exceeded" in log):
                cap = _mib(cache.max_entry_bytes)
                log += f"\na file the compiler wrote passed the limit of {cap} for one program"
            if result.status in (Status.TIME_LIMIT, Status.IDLE_LIMIT):
                return Program(language, False, log[:LOG_LIMIT], work, cached=False)
        if ok:
            language.after_compile(main_code, build)
            size = tree_size(build) - sum(len(content) for content in sources.values())
            if size > cache.max_entry_bytes:
                ok = False
                cap = _mib(cache.max_entry_bytes)
                log += f"\ncompiled program is {_mib(size)}, over the limit of {cap} for one program"
        entry = cache.put(key, ok=ok, log=log[:LOG_LIMIT], files=build)
    return Program(language, entry.ok, entry.log, entry.files, cached=False)


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _read_log(path: Path) -> str:
    try:
        with open(path, "rb") as f:  # a hostile source can make the compiler write gigabytes of errors
            return f.read(LOG_LIMIT).decode("utf-8", "replace")
    except OSError:
        return ""


def _open_permissions(path: Path, *, writable: bool) -> None:
    """Let the sandbox's unprivileged user read (and, for scratch dirs, write) what the judge prepared."""
    dir_mode = 0o777 if writable else 0o755
    os.chmod(path, dir_mode)
    for root, dirs, files in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), dir_mode)
        for f in files:
            full = os.path.join(root, f)
            mode = os.stat(full).st_mode
            os.chmod(full, 0o755 if mode & 0o111 else 0o644)
