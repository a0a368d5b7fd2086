"""DeepMind CodeContests records (JSON/JSONL) -> Problems, grouped into contests by cf_contest_id.

Tests: public_tests -> sample, private_tests -> system; generated_tests (mutated inputs with outputs
from correct solutions, not the official tests) only when asked. Solutions keep their language enum.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import build, check, get_opt, number
from contests.problem import Problem

# CodeContests' Language enum (problem.proto): 0 UNKNOWN_LANGUAGE, 1 PYTHON (2), 2 CPP, 3 PYTHON3, 4 JAVA
LANGUAGES: dict[int, tuple[str, str] | None] = {
    0: None,
    1: None,
    2: ("cpp", ".cpp"),
    3: ("python3", ".py"),
    4: ("java", ".java"),
}
LANGUAGE_NAMES = {0: "UNKNOWN_LANGUAGE", 1: "PYTHON", 2: "CPP", 3: "PYTHON3", 4: "JAVA"}
_NAME = re.compile(r"^\s*(\d+)_([A-Z][A-Z0-9]*)\.\s*(.*)$")


def read_record(
    record: Mapping[str, Any],
    path: Path,
    where: str,
    *,
    with_generated: bool = False,
    max_solutions: int = 10,
) -> Problem:
    def f(name: str) -> str:
        return f"{where}.{name}"

    title = str(check(record.get("name", ""), str, path, f("name")))
    match = _NAME.match(title)
    contest_id = get_opt(record, "cf_contest_id", int, path, f("cf_contest_id")) or (
        int(match.group(1)) if match else None
    )
    index = get_opt(record, "cf_index", str, path, f("cf_index")) or (match.group(2) if match else None)
    name = match.group(3) if match else title
    if not name:
        raise FormatError(path, f("name"), "is missing or empty")
    notes: list[str] = []
    sections = split_description(str(check(record.get("description", ""), str, path, f("description"))))
    tests: dict[str, list[dict[str, Any]]] = {
        "sample": _tests(record, "public_tests", path, f, "s"),
        "system": _tests(record, "private_tests", path, f, "t"),
    }
    if with_generated:
        tests["system"] += _tests(record, "generated_tests", path, f, "g")
    elif _count(record.get("generated_tests")):
        notes.append(f"{_count(record.get('generated_tests'))} generated tests left out (not official)")
    solutions = _solutions(record, "solutions", "accepted", path, f, max_solutions, notes)
    solutions += _solutions(record, "incorrect_solutions", "rejected", path, f, max_solutions, notes)
    points = get_opt(record, "cf_points", (int, float), path, f("cf_points"))
    rating = get_opt(record, "cf_rating", int, path, f("cf_rating"))
    memory = get_opt(record, "memory_limit_bytes", int, path, f("memory_limit_bytes"))
    data: dict[str, Any] = {
        "id": f"{contest_id}{index}" if contest_id and index else _slug(title),
        "index": index if index and re.fullmatch(r"[A-Z][A-Z0-9]{0,3}", index) else None,
        "name": name,
        **sections,
        "time_limit": _time_limit(record.get("time_limit"), path, f("time_limit")),
        "memory_limit_mb": max(1, memory // (1024 * 1024)) if memory else 256,
        "points": points if points else None,
        "rating": rating if rating else None,
        "tags": [
            str(check(t, str, path, f("cf_tags"))) for t in _list(record.get("cf_tags"), path, f("cf_tags"))
        ],
        "tests": tests,
        "solutions": solutions,
        "source": "DeepMind CodeContests (Codeforces)",
        "licence": "CC BY 4.0",
        "url": f"https://codeforces.com/contest/{contest_id}/problem/{index}"
        if contest_id and index
        else None,
        "origin_format": "codecontests",
        "notes": notes,
    }
    if not any(tests.values()):
        raise FormatError(path, f("private_tests"), "the record has no tests at all")
    return build(Problem, data, path, where)


def contest_key(problem: Problem) -> str | None:
    match = re.fullmatch(r"(\d+)[A-Z][A-Z0-9]*", problem.id)
    return match.group(1) if match else None


def split_description(text: str) -> dict[str, str]:
    """CodeContests descriptions put 'Input', 'Output', 'Example(s)', 'Note' on lines of their own."""
    parts: dict[str, list[str]] = {"statement": []}
    current = "statement"
    headings = {
        "input": "input_spec",
        "output": "output_spec",
        "interaction": "interaction_spec",
        "note": "note",
    }
    for line in text.splitlines():
        key = line.strip().lower()
        if key in ("example", "examples") and current != "note":
            current = "examples"
            continue
        if key in headings and current != "examples" and headings[key] not in parts:
            current = headings[key]
            parts[current] = []
            continue
        if key == "note" and current == "examples":
            current = "note"
            parts[current] = []
            continue
        parts.setdefault(current, []).append(line)
    parts.pop("examples", None)
    return {key: "\n".join(lines).strip() for key, lines in parts.items()}


def _list(value: Any, path: Path, field: str) -> list[Any]:
    if value is None:
        return []
    return list(check(value, list, path, field))


def _count(value: Any) -> int:
    if isinstance(value, Mapping) and isinstance(value.get("input"), list):
        return len(value["input"])
    return 0


def _tests(record: Mapping[str, Any], key: str, path: Path, f: Any, prefix: str) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise FormatError(
            path, f(key), f"expected {{input: [...], output: [...]}}, got {type(value).__name__}"
        )
    inputs = _list(value.get("input"), path, f(f"{key}.input"))
    outputs = _list(value.get("output"), path, f(f"{key}.output"))
    if len(inputs) != len(outputs):
        raise FormatError(path, f(key), f"{len(inputs)} inputs but {len(outputs)} outputs")
    width = max(2, len(str(len(inputs))))
    return [
        {
            "name": f"{prefix}{i + 1:0{width}d}",
            "input_text": check(inp, str, path, f(f"{key}.input[{i}]")),
            "answer_text": check(out, str, path, f(f"{key}.output[{i}]")),
        }
        for i, (inp, out) in enumerate(zip(inputs, outputs, strict=True))
    ]


def _solutions(
    record: Mapping[str, Any], key: str, expected: str, path: Path, f: Any, limit: int, notes: list[str]
) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise FormatError(
            path, f(key), f"expected {{language: [...], solution: [...]}}, got {type(value).__name__}"
        )
    languages = _list(value.get("language"), path, f(f"{key}.language"))
    sources = _list(value.get("solution"), path, f(f"{key}.solution"))
    if len(languages) != len(sources):
        raise FormatError(path, f(key), f"{len(languages)} languages but {len(sources)} solutions")
    out: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
    for i, (language, source) in enumerate(zip(languages, sources, strict=True)):
        code = check(language, int, path, f(f"{key}.language[{i}]"))
        if code not in LANGUAGES:
            raise FormatError(path, f(f"{key}.language[{i}]"), f"unknown language enum {code} (known 0-4)")
        check(source, str, path, f(f"{key}.solution[{i}]"))
        spec = LANGUAGES[code]
        if spec is None:
            skipped[LANGUAGE_NAMES[code]] = skipped.get(LANGUAGE_NAMES[code], 0) + 1
            continue
        if len(out) >= limit:
            continue
        out.append(
            {"name": f"{key}-{i:03d}{spec[1]}", "expected": expected, "text": source, "language": spec[0]}
        )
    for language, count in sorted(skipped.items()):
        notes.append(f"{count} {key} in {language} left out (no runtime for it)")
    if len(sources) - sum(skipped.values()) > limit:
        notes.append(f"{key}: kept the first {limit} of {len(sources) - sum(skipped.values())}")
    return out


def _time_limit(value: Any, path: Path, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        seconds = number(value.get("seconds", 0) or 0, path, f"{field}.seconds")
        nanos = number(value.get("nanos", 0) or 0, path, f"{field}.nanos")
        total = seconds + nanos / 1e9
    else:
        total = number(value, path, field)
    if not total > 0 or total != total or total == float("inf"):
        raise FormatError(path, field, f"must be a positive duration, got {value!r}")
    return total


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "problem"
