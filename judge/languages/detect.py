"""Which language a file or a code fence is in, and the code block of a whole model reply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from judge.errors import NoCodeBlock, UnknownLanguage
from judge.languages.base import Language
from judge.languages.registry import LANGUAGES, get_language


def language_for_file(path: Path) -> Language:
    """The language of a source file, from its extension."""
    suffix = path.suffix.lower()
    for language in LANGUAGES:
        if suffix in language.extensions:
            return language
    raise UnknownLanguage(f"{path}: cannot tell the language from extension {suffix!r}; pass --lang")


# Spellings models write beyond the languages' own fence tags: a standard or version suffix
# (```c++14, ```gnu++17, ```python3.11, ```java21), and the family of the tag picks the language.
_CPP = re.compile(r"(?:gnu|g)?(?:c\+\+|cpp|cxx|\+\+)(?P<std>\d\d|2a|2b|2c)?")
_FAMILIES = (
    (re.compile(r"pypy3?(?:\.\d+)*"), "pypy3"),
    (re.compile(r"(?:python|py|cpython)(?:3(?:\.\d+)*)?"), "python3"),
    (re.compile(r"java(?:se)?\d*"), "java17"),
    (re.compile(r"(?:gnu)?c(?:89|90|99|11|17|18|2x|23)?"), "c11"),
)


def language_for_fence(tag: str) -> Language | None:
    """The language of a code fence's info string (```cpp, ```c++, ```python ...), or None."""
    words = tag.strip().lower().split()
    if not words:
        return None
    # "```python title=x.py", "```{.cpp}" and "```cpp:main.cpp" all name the language first.
    first = words[0].strip("{}.").split(":")[0]
    for candidate in (tag.strip().lower(), first):
        for language in LANGUAGES:
            if candidate in language.fence_tags:
                return language
    if cpp := _CPP.fullmatch(first):
        std = cpp.group("std") or ""
        wanted = "cpp23" if std in ("23", "26", "2b", "2c") else "cpp20" if std in ("20", "2a") else "cpp17"
        return get_language(wanted)
    for pattern, language_id in _FAMILIES:
        if pattern.fullmatch(first):
            return get_language(language_id)
    return None


@dataclass(frozen=True)
class CodeBlock:
    tag: str
    code: str


# Any indentation: a reply's program is often inside a list item ("1. The code:" then an indented fence).
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


def code_blocks(text: str) -> list[CodeBlock]:
    """Fenced code blocks (CommonMark: ``` or ~~~, closed by a fence at least as long), in order."""
    blocks: list[CodeBlock] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening.group("fence")
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = _FENCE.match(lines[j])
            if (
                closing
                and closing.group("fence")[0] == fence[0]
                and len(closing.group("fence")) >= len(fence)
                and not closing.group("info").strip()
            ):
                break
            body.append(lines[j])
            j += 1
        # The fence's own indentation is the block's margin (as CommonMark strips it inside a list).
        indent = opening.group("indent")
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t") for line in body]
        code = "\n".join(body) + ("\n" if body else "")
        blocks.append(CodeBlock(opening.group("info").strip(), code))
        i = j + 1
    return blocks


def extract_code(reply: str, language: Language | None = None) -> tuple[str, Language]:
    """The submission in a model reply: the last code block in ``language`` (or in any known language).

    The last block is taken because replies tend to end with the final program after drafts.
    An untagged block is taken only when ``language`` is given and no tagged block matches.
    """
    blocks = code_blocks(reply)
    if not blocks:
        raise NoCodeBlock("the reply holds no fenced code block (```lang ... ```)")
    tagged = [(b, language_for_fence(b.tag)) for b in blocks]
    matching = [(b, lang) for b, lang in tagged if lang is not None and language in (None, lang)]
    if language is not None:
        # A ```cpp block satisfies --lang cpp20: C++ dialects share fence tags.
        same_family = [
            (b, lang)
            for b, lang in tagged
            if lang is not None and lang != language and lang.family == language.family
        ]
        matching = matching or same_family
    if matching:
        block, found = matching[-1]
        return block.code, (language or found)
    if language is not None:
        untagged = [b for b in blocks if not b.tag]
        if untagged:
            return untagged[-1].code, language
    tags = ", ".join(repr(b.tag) for b in blocks)
    raise NoCodeBlock(f"no code block in a known language (fence tags found: {tags}); pass --lang")
