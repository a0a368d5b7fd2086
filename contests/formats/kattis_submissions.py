"""The ``submissions/`` of a Kattis package: jury programs, their expected verdicts, submissions.yaml.

Without ``submissions/submissions.yaml`` a submission's directory says what it must get (accepted,
wrong_answer, ...). With it (2025-09), every submission gets its directory's default rule (the
format's table; a top-level key naming the directory overrides the keys it gives) plus every rule
whose glob matches it; rules may be limited to test groups. Globs: ``*`` within one name, brace
expansion, a pattern matching a parent directory (or group) matches everything below it.
BAPCtools' ``*.bad.*`` submissions are deliberately misfiled: a judge must find them inconsistent.
``{{constants}}`` are not substituted in submissions: the 2025-09 text lists example submissions among
the files that get them, but BAPCtools does not, and its own test package labels a submission printing
``{{FIVE.STRING}}`` wrong_answer; we agree with the labelled judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import load_yaml, mapping
from contests.formats.native import resolved_file
from contests.problem import ExpectedVerdict

OUTCOMES = ("AC", "WA", "TLE", "RTE")
# The 2025-09 defaults per directory.
DEFAULT_RULES: dict[str, dict[str, list[str]]] = {
    "accepted": {"permitted": ["AC"]},
    "rejected": {"required": ["RTE", "TLE", "WA"]},
    "wrong_answer": {"permitted": ["AC", "WA"], "required": ["WA"]},
    "time_limit_exceeded": {"permitted": ["AC", "TLE"], "required": ["TLE"]},
    "run_time_error": {"permitted": ["AC", "RTE"], "required": ["RTE"]},
    "brute_force": {"permitted": ["AC", "RTE", "TLE"], "required": ["RTE", "TLE"]},
}
_RULE_KEYS = {"permitted", "required", "message", "score", "use_for_time_limit"}
_META_KEYS = {"language", "entrypoint", "authors", "model_solution"}
_CONSTRAINTS = {"permitted", "required", "message", "use_for_time_limit"}
# submissions.yaml language codes (the format's languages table) -> cpelo language ids
_LANGUAGES = {"c": "c11", "cpp": "cpp23", "python3": "python3", "java": "java17", "python": "python3"}
_KNOWN_DIRS = {v.value for v in ExpectedVerdict} - {ExpectedVerdict.CUSTOM.value}


def expand_braces(pattern: str) -> list[str]:
    """``a{b,c}d`` -> ``abd``, ``acd`` (nested and repeated groups; spaces around alternatives dropped)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [out for alt in match.group(1).split(",") for out in expand_braces(head + alt.strip() + tail)]


def glob_matches(pattern: str, path: str) -> bool:
    """Whether ``pattern`` matches ``path`` or one of its parents (``*`` never crosses ``/``)."""
    parts = path.split("/")
    for alternative in expand_braces(pattern.strip().strip("/")):
        regex = re.compile("[^/]*".join(re.escape(piece) for piece in alternative.split("*")))
        if any(regex.fullmatch("/".join(parts[:k])) for k in range(1, len(parts) + 1)):
            return True
    return False


def read_submissions(submissions: Path, notes: list[str], cpp_language: str) -> list[dict[str, Any]]:
    if not submissions.is_dir():
        return []
    yaml_path = submissions / "submissions.yaml"
    rules = mapping(load_yaml(yaml_path), yaml_path, None) if yaml_path.is_file() else None
    out: list[dict[str, Any]] = []
    for verdict_dir in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        known = verdict_dir.name in _KNOWN_DIRS
        for entry in sorted(verdict_dir.iterdir()):
            if entry.name.startswith("."):
                continue
            relative = f"{verdict_dir.name}/{entry.name}"
            solution: dict[str, Any] = {
                "name": entry.name if known else f"{verdict_dir.name}.{entry.name}",
                "expected": verdict_dir.name if known else ExpectedVerdict.CUSTOM.value,
                "mislabelled": ".bad." in entry.name,
            }
            if rules is not None:
                expectations, meta = _expectations(relative, verdict_dir.name, rules, yaml_path)
                if not known and not expectations:
                    notes.append(f"submissions/{verdict_dir.name}: no rule in submissions.yaml, skipped")
                    break
                solution["expectations"] = expectations
                if "language" in meta:
                    solution["language"] = _LANGUAGES.get(str(meta["language"]), str(meta["language"]))
                if "entrypoint" in meta:
                    solution["entrypoint"] = str(meta["entrypoint"])
            elif not known:
                notes.append(f"submissions/{verdict_dir.name}: unknown verdict directory, skipped")
                break
            _source(entry, solution, cpp_language)
            out.append(solution)
    return out


def _source(entry: Path, solution: dict[str, Any], cpp_language: str) -> None:
    if entry.is_symlink() and not entry.exists():
        raise FormatError(entry, None, f"broken symbolic link (to {entry.readlink()})")
    path = resolved_file(entry) if entry.is_file() else entry.resolve()
    # A program of one file is that file (2025-09: a single file stands for a directory holding it):
    # judged as such, it follows a link stub the copy turned its symlink into.
    files = [p for p in path.iterdir() if not p.name.startswith(".")] if path.is_dir() else []
    if len(files) == 1 and files[0].is_file() and solution.get("entrypoint") in (None, files[0].name):
        path = resolved_file(files[0])
    if path.is_file() and solution.get("language") is None and path.suffix.lower() in _CPP_SUFFIXES:
        solution["language"] = cpp_language
    solution["path"] = path


_CPP_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++")


def _expectations(
    relative: str, directory: str, rules: Mapping[str, Any], yaml_path: Path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rules that apply to the submission at ``relative`` (``dir/name``), and its metadata."""
    expectations: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    default = dict(DEFAULT_RULES.get(directory, {}))
    override = rules.get(directory)
    if isinstance(override, Mapping) and directory in DEFAULT_RULES:
        default.update(
            {k: v for k, v in override.items() if k in ("permitted", "required", "use_for_time_limit")}
        )
    if default:
        expectations.append(_rule(default, None, yaml_path, directory))
    for pattern, body in rules.items():
        if not isinstance(pattern, str) or not glob_matches(pattern, relative):
            continue
        if not isinstance(body, Mapping):
            raise FormatError(yaml_path, pattern, f"expected a mapping, got {body!r}")
        meta.update({k: v for k, v in body.items() if k in _META_KEYS})
        replaced_default = pattern == directory and directory in DEFAULT_RULES
        top = {k: v for k, v in body.items() if k in _RULE_KEYS}
        if not replaced_default and (_CONSTRAINTS & set(top)):
            expectations.append(_rule(top, None, yaml_path, pattern))
        elif replaced_default and "message" in top:
            expectations.append({"message": str(top["message"])})
        for group, group_body in body.items():
            if group in _RULE_KEYS or group in _META_KEYS:
                continue
            if not isinstance(group_body, Mapping):
                raise FormatError(yaml_path, f"{pattern}.{group}", f"expected a mapping, got {group_body!r}")
            rule = {k: v for k, v in group_body.items() if k in _RULE_KEYS}
            if _CONSTRAINTS & set(rule):
                expectations.append(_rule(rule, str(group), yaml_path, f"{pattern}.{group}"))
    return expectations, meta


def _rule(body: Mapping[str, Any], tests: str | None, yaml_path: Path, field: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"tests": tests}
    for key in ("permitted", "required"):
        if body.get(key) is None:
            continue
        values = body[key] if isinstance(body[key], list) else [body[key]]
        bad = [v for v in values if v not in OUTCOMES]
        if bad:
            raise FormatError(yaml_path, f"{field}.{key}", f"unknown verdict {bad[0]!r} (known: {OUTCOMES})")
        rule[key] = list(values)
    if body.get("message") is not None:
        rule["message"] = str(body["message"])
    # The format: `lower` runs must not time out (permitted [AC, WA, RTE]) and the derived limit must
    # exceed them; `upper` runs must time out (required [TLE]).
    use = body.get("use_for_time_limit")
    if use not in (None, True, False, "lower", "upper"):  # true: the default, as in BAPCtools
        raise FormatError(
            yaml_path, f"{field}.use_for_time_limit", f"expected lower, upper or false, got {use!r}"
        )
    if use in ("lower", "upper", False):
        rule["use_for_time_limit"] = use
    if use == "lower" and "permitted" not in rule:
        rule["permitted"] = ["AC", "WA", "RTE"]
    if use == "upper" and "required" not in rule:
        rule["required"] = ["TLE"]
    return rule
