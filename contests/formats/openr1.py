"""The open-r1 ``codeforces`` dataset (JSONL, or Parquet with the optional pyarrow extra) -> Problems.

Tests: the official tests in order; those equal to the statement's examples at their head are the
samples (Codeforces' first tests are the examples). ``generated_checker`` (a Python program called
``checker.py input correct_output solution_output``) becomes a testlib-protocol checker by wrapping it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import build, check, get_opt, number
from contests.problem import Problem

CHECKER_NAME = "checker.py"

_WRAPPER = '''#!/usr/bin/env python3
"""Testlib-protocol wrapper (written by cpelo) around open-r1's generated checker.

Called as `checker.py input output answer`; runs the generated checker, embedded below, as
`checker.py input correct_output solution_output`. Its verdict: a non-zero exit is a wrong answer;
otherwise a first stdout token that is a number below 1 is a wrong answer (a score); anything else
is accepted. A checker that crashes is a judge failure (exit 3), never the contestant's fault.
"""
import contextlib
import io
import sys
import traceback

GENERATED_CHECKER = {source!r}


def main() -> int:
    if len(sys.argv) < 4:
        print("usage: checker.py input output answer", file=sys.stderr)
        return 3
    inp, out, ans = sys.argv[1:4]
    sys.argv = ["checker.py", inp, ans, out]
    captured = io.StringIO()
    code = 0
    try:
        with contextlib.redirect_stdout(captured):
            exec(compile(GENERATED_CHECKER, "checker.py", "exec"), {{"__name__": "__main__"}})
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except Exception:
        traceback.print_exc()
        return 3
    words = captured.getvalue().split()
    print(captured.getvalue()[:200], file=sys.stderr)
    if code != 0:
        return 1
    if words:
        try:
            return 0 if float(words[0]) >= 1 else 1
        except ValueError:
            pass
    return 0


sys.exit(main())
'''


def checker_wrapper(generated_checker: str) -> str:
    return _WRAPPER.format(source=generated_checker)


def read_record(record: Mapping[str, Any], path: Path, where: str) -> Problem:
    def f(name: str) -> str:
        return f"{where}.{name}"

    contest_id = get_opt(record, "contest_id", (str, int), path, f("contest_id"))
    index = get_opt(record, "index", str, path, f("index"))
    problem_id = get_opt(record, "id", str, path, f("id")) or (
        f"{contest_id}/{index}" if contest_id else None
    )
    if not problem_id:
        raise FormatError(path, f("id"), "is missing (and so are contest_id/index)")
    title = get_opt(record, "title", str, path, f("title")) or problem_id
    notes: list[str] = []
    examples = _pairs(record.get("examples"), path, f("examples"))
    official = _pairs(record.get("official_tests"), path, f("official_tests"))
    if official:
        head = 0
        while head < min(len(examples), len(official)) and _same(examples[head][0], official[head][0]):
            head += 1
        sample, system = official[:head], official[head:]
        if record.get("official_tests_complete") is False:
            notes.append("official tests incomplete: the dataset holds only some of them")
    else:
        sample, system = examples, []
        notes.append("no official tests: only the examples")
    generated = record.get("generated_tests")
    if isinstance(generated, int) and not isinstance(generated, bool) and generated > 0:
        notes.append(f"{generated} generated tests are published separately and were not read")
    input_mode = get_opt(record, "input_mode", str, path, f("input_mode")) or "stdio"
    if input_mode != "stdio":
        notes.append(
            f"input_mode {input_mode}: the solution reads/writes files, which cpelo does not provide"
        )
    interaction = get_opt(record, "interaction_format", str, path, f("interaction_format")) or ""
    if interaction:
        notes.append("interactive problem: the dataset has no interactor, so it cannot be judged")
    checker: dict[str, Any] = {}
    generated_checker = get_opt(record, "generated_checker", str, path, f("generated_checker"))
    if generated_checker:
        checker = {
            "type": "testlib",
            "source": CHECKER_NAME,
            "source_text": checker_wrapper(generated_checker),
        }
    time_limit = get_opt(record, "time_limit", (int, float), path, f("time_limit"))
    memory = get_opt(record, "memory_limit", (int, float), path, f("memory_limit"))
    for value, name in ((time_limit, "time_limit"), (memory, "memory_limit")):
        if value is not None and not 0 < number(value, path, f(name)) < 1e12:
            raise FormatError(path, f(name), f"must be positive, got {value}")
    tags = record.get("tags") or []
    if not isinstance(tags, list):
        raise FormatError(path, f("tags"), f"expected a list, got {type(tags).__name__}")
    data: dict[str, Any] = {
        "id": re.sub(r"[^A-Za-z0-9]", "", problem_id) or problem_id,
        "index": index if index and re.fullmatch(r"[A-Z][A-Z0-9]{0,3}", index) else None,
        "name": title,
        "statement": get_opt(record, "description", str, path, f("description")) or "",
        "input_spec": get_opt(record, "input_format", str, path, f("input_format")) or "",
        "output_spec": get_opt(record, "output_format", str, path, f("output_format")) or "",
        "interaction_spec": interaction,
        "note": get_opt(record, "note", str, path, f("note")) or "",
        "time_limit": number(time_limit, path, f("time_limit")) if time_limit else None,
        "memory_limit_mb": math.ceil(memory) if memory else 256,
        "rating": get_opt(record, "rating", int, path, f("rating")),
        "tags": [str(check(t, str, path, f("tags"))) for t in tags],
        "tests": {"sample": _tests(sample, "s"), "system": _tests(system, "t")},
        "checker": checker,
        "source": "open-r1/codeforces (Codeforces)",
        "licence": "CC BY 4.0",
        "url": f"https://codeforces.com/contest/{contest_id}/problem/{index}"
        if contest_id and index
        else None,
        "origin_format": "openr1",
        "notes": notes,
    }
    if not sample and not system:
        raise FormatError(path, f("official_tests"), "the record has no tests and no examples")
    return build(Problem, data, path, where)


def contest_meta(record: Mapping[str, Any]) -> dict[str, Any]:
    """What a record says about its contest (the open-r1 rows repeat it on every problem)."""
    return {
        key: record.get(key)
        for key in ("contest_id", "contest_name", "contest_type", "contest_start", "contest_start_year")
    }


def is_interactive(record: Mapping[str, Any]) -> bool:
    return bool(record.get("interaction_format"))


def _pairs(value: Any, path: Path, field: str) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(path, field, f"expected a list of {{input, output}}, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise FormatError(path, f"{field}[{i}]", f"expected {{input, output}}, got {type(item).__name__}")
        inp = check(item.get("input"), str, path, f"{field}[{i}].input")
        out_ = check(item.get("output"), str, path, f"{field}[{i}].output")
        out.append((inp, out_))
    return out


def _same(a: str, b: str) -> bool:
    return a.split() == b.split()


def _tests(pairs: list[tuple[str, str]], prefix: str) -> list[dict[str, Any]]:
    width = max(2, len(str(len(pairs))))
    return [
        {"name": f"{prefix}{i + 1:0{width}d}", "input_text": inp, "answer_text": out}
        for i, (inp, out) in enumerate(pairs)
    ]
