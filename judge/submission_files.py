"""A submission given as a directory of files (the Kattis format's multi-file submissions, DOMjudge's
"add another file").

The language is the one the source files' extensions name (2025-09: "if a single language can't be
determined, building fails"); files of no language (notes, data, a stray ``.txt``) are left out, and
headers go along for ``#include`` but are never handed to the compiler (an invalid header nobody
includes is harmless, as in DOMjudge). Java's main class is the one declaring ``main``.
"""

from __future__ import annotations

import re
from pathlib import Path

from judge.errors import JudgeError, UnknownLanguage
from judge.languages import language_for_file
from judge.languages.base import Language
from judge.languages.gcc import HEADER_SUFFIXES

_JAVA_MAIN = re.compile(rb"\bstatic\s+(?:final\s+)?(?:public\s+)?void\s+main\s*\(")


def directory_sources(
    directory: Path, language: Language | None, entrypoint: str | None = None
) -> tuple[Language, dict[str, bytes], str]:
    """The language, the files to build (name -> content; the main file first) and the main file's text
    of the submission in ``directory`` (its main file ``entrypoint`` when given, as submissions.yaml
    says); JudgeError when no single language can be told or the entry point is not there."""
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    by_family: dict[str, list[Path]] = {}
    for path in files:
        try:
            found = language_for_file(path)
        except UnknownLanguage:
            continue
        by_family.setdefault(found.family, []).append(path)
    if language is None:
        if len(by_family) != 1:
            found_names = ", ".join(sorted(by_family)) or "none"
            raise JudgeError(f"{directory}: not one language among its source files (found: {found_names})")
        family = next(iter(by_family))
        language = language_for_file(by_family[family][0])
    sources = by_family.get(language.family, [])
    if not sources:
        raise JudgeError(f"{directory}: no {language.name} source file")
    if entrypoint is not None:
        named = [p for p in sources if p.name == entrypoint or p.stem == entrypoint]
        if not named:
            raise JudgeError(f"{directory}: entrypoint {entrypoint} is not one of its {language.name} files")
        main = named[0]
    else:
        main = _main_file(language, directory, sources)
    code = main.read_text(encoding="utf-8", errors="replace")
    # An interpreted language runs its main file under the language's own name (Python's main.py); a
    # compiled one keeps every name (Java's files are named after their classes).
    main_name = main.name if language.family in ("c", "cpp", "java") else language.source_filename(code)
    built = {main_name: main.read_bytes()}
    for path in sources:
        if path != main:
            built.setdefault(path.name, path.read_bytes())
    for header in files:
        if header.suffix.lower() in HEADER_SUFFIXES:
            built.setdefault(header.name, header.read_bytes())
    return language, built, code


def _main_file(language: Language, directory: Path, sources: list[Path]) -> Path:
    if language.family == "java":
        with_main = [p for p in sources if _JAVA_MAIN.search(p.read_bytes())]
        if with_main:
            return with_main[0]
    named = [p for p in sources if p.stem == directory.stem or p.stem in ("main", "Main", "__main__")]
    return (named or sources)[0]
