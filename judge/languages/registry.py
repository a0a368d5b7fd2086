"""Every language the judge knows, looked up by id or alias, with what works on this machine."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from judge.errors import UnknownLanguage
from judge.languages.base import Language
from judge.languages.c import C11
from judge.languages.cpp import Cpp17, Cpp20, Cpp23
from judge.languages.java import Java17
from judge.languages.python import PyPy3, Python3

LANGUAGES: tuple[Language, ...] = (C11(), Cpp17(), Cpp20(), Cpp23(), Python3(), PyPy3(), Java17())

# Other names users and Codeforces exports give the same languages.
_ALIASES = {
    "c": "c11",
    "gnu c11": "c11",
    "cpp": "cpp17",
    "c++": "cpp17",
    "c++17": "cpp17",
    "g++17": "cpp17",
    "gnu c++17": "cpp17",
    "c++20": "cpp20",
    "g++20": "cpp20",
    "gnu c++20": "cpp20",
    "gnu c++20 (64)": "cpp20",
    "c++23": "cpp23",
    "g++23": "cpp23",
    "gnu c++23": "cpp23",
    "python": "python3",
    "py": "python3",
    "py3": "python3",
    "python 3": "python3",
    "pypy": "pypy3",
    "pypy 3": "pypy3",
    "pypy 3-64": "pypy3",
    "java": "java17",
    "java 17": "java17",
}


def get_language(name: str) -> Language:
    """The language with id or alias ``name`` (case-insensitive); UnknownLanguage lists the ids."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    for language in LANGUAGES:
        if language.id == key or language.name.lower() == key:
            return language
    known = ", ".join(language.id for language in LANGUAGES)
    raise UnknownLanguage(f"unknown language {name!r}; known: {known}")


class LanguageStatus(BaseModel):
    """One row of `cpelo judge languages`."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    available: bool
    version: str
    reason: str
    install_hint: str
    extensions: list[str]
    memory_note: str


def language_statuses() -> list[LanguageStatus]:
    """Probe every toolchain (version only; `cpelo judge selftest` compiles and runs the echo programs)."""
    rows = []
    for language in LANGUAGES:
        avail = language.availability()
        rows.append(
            LanguageStatus(
                id=language.id,
                name=language.name,
                available=avail.available,
                version=avail.version,
                reason=avail.reason,
                install_hint=language.install_hint,
                extensions=list(language.extensions),
                memory_note=language.memory_note,
            )
        )
    return rows
