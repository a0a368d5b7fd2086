"""Building the problem's own programs (checkers, interactors) from their sources.

A helper is a file or a directory of sources and headers; headers it includes by name (testlib.h, ...)
are looked up in the problem's include dirs, then next to the source, then one directory up. Helpers
run under generous limits of their own, independent of what the contestant is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from judge.compile_cache import CompileCache
from judge.compiler import Program, compile_program
from judge.errors import CheckerSetupError
from judge.languages import get_language, language_for_file
from judge.languages.base import Language
from judge.languages.build_run import BuildRunScripts, has_build_run
from sandbox import Limits, MiB, SandboxConfig

_SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++", ".c", ".py", ".java")
_HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx")
_INCLUDE = re.compile(rb'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def included_names(content: bytes) -> set[str]:
    """The files a C/C++ source includes by bare name (``#include "testlib.h"``; paths with ``/`` are
    the toolchain's or the source's own business and are not looked up)."""
    return {name.decode() for name in _INCLUDE.findall(content) if b"/" not in name}


def include_search_path(include_dirs: Sequence[Path], origin: Path) -> list[Path]:
    """Where the headers of the helper at ``origin`` are looked up, in order."""
    base = origin if origin.is_dir() else origin.parent
    return [*include_dirs, base, base.parent]


def collect_sources(source: Path, language: str | None) -> tuple[Language, dict[str, bytes]]:
    """The files of a checker/interactor (a file, or a directory of sources and headers) and its language."""
    if not source.exists():
        raise CheckerSetupError(f"checker source {source} does not exist")
    if has_build_run(source):
        return BuildRunScripts(), {p.name: p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()}
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.is_file())
        mains = [p for p in files if p.suffix.lower() in _SOURCE_SUFFIXES]
        if not mains:
            raise CheckerSetupError(
                f"checker directory {source} holds no source file ({', '.join(_SOURCE_SUFFIXES)})"
            )
        lang = get_language(language) if language else language_for_file(mains[0])
        # By family: a dialect chosen by name (cpp23) claims no extension of its own.
        compiled = [p for p in mains if language_for_file(p).family == lang.family]
        headers = [p for p in files if p.suffix.lower() in _HEADER_SUFFIXES]
        if lang.family in ("python", "java") and len(compiled) > 1:
            named = [p for p in compiled if p.stem == source.name]
            compiled = named[:1] or compiled[:1]
    else:
        lang = get_language(language) if language else language_for_file(source)
        compiled, headers = [source], []
    sources = {p.name: p.read_bytes() for p in compiled}
    if lang.family not in ("c", "cpp"):
        # Interpreted and JVM languages run their main file under the language's own file name.
        main = compiled[0]
        code = sources.pop(main.name)
        sources = {lang.source_filename(code.decode("utf-8", "replace")): code, **sources}
    for header in headers:
        sources.setdefault(header.name, header.read_bytes())
    return lang, sources


def add_includes(sources: dict[str, bytes], include_dirs: Sequence[Path], origin: Path) -> None:
    """Copy headers the sources include by name (testlib.h, ...) from ``include_dirs`` into the sources."""
    wanted = {name for content in list(sources.values()) for name in included_names(content)} - set(sources)
    search = include_search_path(include_dirs, origin)
    for name in sorted(wanted):
        found = next((d / name for d in search if (d / name).is_file()), None)
        if found is not None:
            sources[name] = found.read_bytes()
        elif name == "testlib.h":
            looked = ", ".join(str(d) for d in search)
            raise CheckerSetupError(
                f"{origin} includes testlib.h, which was not found in: {looked}; "
                "put testlib.h next to the checker or in the problem's include directory"
            )


def build_program(
    source: Path,
    language: str | None,
    include_dirs: Sequence[Path],
    *,
    cache: CompileCache,
    config: SandboxConfig,
    work_root: Path | None,
    what: str,
) -> Program:
    lang, sources = collect_sources(source, language)
    add_includes(sources, include_dirs, source)
    main = next(iter(sources.values())).decode("utf-8", "replace")
    program = compile_program(lang, sources, cache=cache, config=config, main_code=main, work_root=work_root)
    if not program.ok:
        raise CheckerSetupError(
            f"{what} {source} does not compile ({lang.name}):\n{program.log.strip()[:4000]}"
        )
    return program


def helper_limits(time_limit: float, own: float | None = None) -> Limits:
    """Limits for checkers and interactors: generous, independent of what the contestant is allowed."""
    cpu = own if own is not None else max(10.0, 4 * time_limit)
    return Limits(
        cpu_time=cpu,
        wall_time=2 * cpu + 5,
        memory=1024 * MiB,
        stdout_bytes=64 * MiB,
        stderr_bytes=1 * MiB,
        processes=64,
        file_size=64 * MiB,
    )
