"""Language detection from file extensions and code fences; extracting the program from a model reply."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judge.errors import NoCodeBlock, UnknownLanguage
from judge.languages import extract_code, get_language, language_for_fence, language_for_file

FENCES = {
    "cpp": "cpp17",
    "c++": "cpp17",
    "C++": "cpp17",
    "cc": "cpp17",
    "cpp20": "cpp20",
    "c": "c11",
    "python": "python3",
    "py": "python3",
    "Python3": "python3",
    "pypy3": "pypy3",
    "java": "java17",
    "{.cpp}": "cpp17",
    "python title=sol.py": "python3",
    # what models write beyond the languages' own tags: standards, versions, file names
    "c++14": "cpp17",
    "gnu++17": "cpp17",
    "C++20": "cpp20",
    "c++2b": "cpp23",
    "cpp:main.cpp": "cpp17",
    "python3.11": "python3",
    "Python 3.8": "python3",
    "python:solution.py": "python3",
    "pypy3.10": "pypy3",
    "java21": "java17",
    "c99": "c11",
}


@pytest.mark.parametrize(("tag", "lang"), FENCES.items())
def test_fence_tags(tag: str, lang: str) -> None:
    found = language_for_fence(tag)
    assert found is not None and found.id == lang


def test_unknown_fence_and_extension() -> None:
    assert language_for_fence("rust") is None and language_for_fence("") is None
    assert all(language_for_fence(tag) is None for tag in ("c#", "cs", "js", "text", "console", "cobol"))
    with pytest.raises(UnknownLanguage, match=r"\.rs"):
        language_for_file(Path("main.rs"))


@pytest.mark.parametrize(
    ("name", "lang"),
    [("a.c", "c11"), ("a.cpp", "cpp17"), ("a.CC", "cpp17"), ("a.py", "python3"), ("A.java", "java17")],
)
def test_extensions(name: str, lang: str) -> None:
    assert language_for_file(Path(name)).id == lang


def test_aliases() -> None:
    assert get_language("GNU C++20").id == "cpp20"
    assert get_language("PyPy 3").id == "pypy3"
    with pytest.raises(UnknownLanguage, match="known: c11, cpp17"):
        get_language("brainfuck")


code_lines = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).filter(
        lambda line: not line.lstrip().startswith(("```", "~~~"))
    ),
    min_size=1,
    max_size=10,
)
prose = st.text(alphabet="abc xyz.,\n", max_size=60).filter(lambda t: "```" not in t)


@given(prose, code_lines, prose, st.sampled_from(sorted(FENCES)))
def test_extract_last_block_roundtrip(before: str, lines: list[str], after: str, tag: str) -> None:
    code = "\n".join(lines) + "\n"
    reply = f"{before}\n```text\ndraft\n```\n```{tag}\n{code}```\n{after}"
    extracted, language = extract_code(reply)
    assert extracted == code
    assert language.id == FENCES[tag]


def test_extract_prefers_requested_language_and_family() -> None:
    reply = "```python\nprint(1)\n```\nNow in C++:\n```cpp\nint main(){}\n```\nand a note\n```\nnot code\n```"
    code, lang = extract_code(reply, get_language("python3"))
    assert code == "print(1)\n" and lang.id == "python3"
    code, lang = extract_code(reply, get_language("cpp20"))  # ```cpp serves any C++ dialect
    assert code == "int main(){}\n" and lang.id == "cpp20"
    code, lang = extract_code(reply)
    assert lang.id == "cpp17"


def test_extract_longer_fences_and_errors() -> None:
    reply = "````cpp\n```\nint x;\n````\n"
    assert extract_code(reply)[0] == "```\nint x;\n"
    with pytest.raises(NoCodeBlock):
        extract_code("no code here")
    with pytest.raises(NoCodeBlock, match="'rust'"):
        extract_code("```rust\nfn main(){}\n```")
    assert extract_code("```\nprint(2)\n```", get_language("python3"))[0] == "print(2)\n"


@given(prose, code_lines, st.sampled_from(["", "  ", "    ", "\t", "      "]))
def test_an_indented_fence_gives_its_block_without_the_margin(
    before: str, lines: list[str], indent: str
) -> None:
    """A program inside a list item ("1. The code:" then a fence indented by 4) is still found, with the
    fence's indentation removed from every line as CommonMark does."""
    code = "\n".join(lines) + "\n"
    body = "".join(f"{indent}{line}\n" for line in lines)
    reply = f"{before}\n1. The code:\n{indent}```cpp\n{body}{indent}```\n"
    extracted, language = extract_code(reply)
    assert extracted == code and language.id == "cpp17"
