"""Submissions given as a directory of files (the Kattis format's multi-file submissions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from judge.errors import JudgeError
from judge.judge import Judge
from judge.languages import get_language
from judge.languages.base import public_class_name
from judge.submission_files import directory_sources
from judge.task import JudgeTask
from judge.verdict import Verdict

MakeTask = Callable[..., JudgeTask]


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_c_sources_with_headers_and_stray_files(tmp_path: Path, judge: Judge, make_task: MakeTask) -> None:
    """Every C source is compiled; a header is there to include, an invalid one nobody includes and a
    text file are harmless (DOMjudge's test-invalidheader, test-extra-file)."""
    sub = _write(
        tmp_path / "sub.c",
        {
            "main.c": '#include <stdio.h>\n#include "greet.h"\nint main(void) { greet(); return 0; }\n',
            "greet.c": '#include <stdio.h>\n#include "greet.h"\n'
            'void greet(void) { printf("%s\\n", GREETING); }\n',
            "greet.h": '#define GREETING "Hello world!"\nvoid greet(void);\n',
            "zz-random-file.h": "This is not a valid C header file!\n",
            "notes.txt": "@*@!2<>>$#! not code\n",
        },
    )
    language, files, _ = directory_sources(sub, None)
    assert language.family == "c" and next(iter(files)) == "main.c" and "notes.txt" not in files
    result = judge.judge(make_task([("", "Hello world!\n")]), sub)
    assert result.verdict is Verdict.OK, result.compile_log


def test_java_classes_in_their_own_files(tmp_path: Path, judge: Judge, make_task: MakeTask) -> None:
    if not get_language("java17").availability().available:
        pytest.skip(get_language("java17").availability().reason)
    sub = _write(
        tmp_path / "multi.java",
        {
            "hello.java": "/* the source file names must match the public class names */\n"
            "public class hello { public static void main(String[] a) { new message().print(); } }\n",
            "message.java": 'public class message { void print() { System.out.println("Hello world!"); } }\n',
        },
    )
    result = judge.judge(make_task([("", "Hello world!\n")], memory_limit=256 << 20), sub)
    assert result.verdict is Verdict.OK, (result.compile_log, result.tests)


def test_no_single_language_is_an_error(tmp_path: Path) -> None:
    mixed = _write(tmp_path / "mixed", {"a.c": "int main(void){return 0;}\n", "b.py": "print(1)\n"})
    with pytest.raises(JudgeError, match="not one language"):
        directory_sources(mixed, None)
    script = _write(tmp_path / "script", {"main.sh": "echo hi\n"})
    with pytest.raises(JudgeError, match="found: none"):
        directory_sources(script, None)


def test_public_class_name_skips_comments_and_strings() -> None:
    code = '/* public class names */\n// public class X\nString s = "public class Y";\npublic class hello {}'
    assert public_class_name(code) == "hello"


def test_entrypoint_names_the_main_file(tmp_path: Path, judge: Judge, make_task: MakeTask) -> None:
    """submissions.yaml's entrypoint (BAPCtools testexpectations ac_or_wa/metadata): the named file runs,
    not the one that merely looks like a main."""
    sub = _write(
        tmp_path / "metadata",
        {"ac.py": "print(input())\n", "main.py": "import sys\nprint('wrong entry point!')\nsys.exit(1)\n"},
    )
    task = make_task([("42\n", "42\n")])
    assert judge.judge(task, sub, "python3").verdict is Verdict.RUNTIME_ERROR  # main.py by default
    assert judge.judge(task, sub, "python3", entrypoint="ac.py").verdict is Verdict.OK
    with pytest.raises(JudgeError, match=r"entrypoint nope\.py"):
        directory_sources(sub, None, "nope.py")
