"""The languages the judge knows, how to find one, and which of them work on this machine."""

from __future__ import annotations

from judge.languages.base import Availability, Language
from judge.languages.c import C11
from judge.languages.cpp import Cpp17, Cpp20
from judge.languages.detect import extract_code, language_for_fence, language_for_file
from judge.languages.java import Java17
from judge.languages.python import PyPy3, Python3
from judge.languages.registry import LANGUAGES, LanguageStatus, get_language, language_statuses

__all__ = [
    "C11",
    "LANGUAGES",
    "Availability",
    "Cpp17",
    "Cpp20",
    "Java17",
    "Language",
    "LanguageStatus",
    "PyPy3",
    "Python3",
    "extract_code",
    "get_language",
    "language_for_fence",
    "language_for_file",
    "language_statuses",
]
