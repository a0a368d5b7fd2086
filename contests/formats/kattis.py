"""Kattis problem package (problemtools legacy format and the 2023-07 draft) -> Problem.

Layout: problem.yaml, data/sample|secret (nested groups, symlinked files), .timelimit, output_validators/
(or output_validator/), submissions/<verdict>/, problem_statement/ (or statement/).
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import build, check, load_yaml, mapping, number, read_text
from contests.formats.native import pair_tests
from contests.problem import (
    Checker,
    CheckerType,
    DerivedTimeLimit,
    ExpectedVerdict,
    Interactor,
    InteractorProtocol,
    Problem,
)

# problemtools' defaults (problemtools/config/problem.yaml, legacy format)
DEFAULT_TIME_MULTIPLIER = 5.0
DEFAULT_SAFETY_MARGIN = 2.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_OUTPUT_MB = 8
# the 2023-07 draft's limits.time_multipliers defaults
DEFAULT_AC_TO_TIME_LIMIT = 2.0
DEFAULT_TIME_LIMIT_TO_TLE = 1.5

_SUBMISSION_DIRS = {v.value for v in ExpectedVerdict}


def is_kattis_package(path: Path) -> bool:
    """problem.yaml with data/ (or at least without a native problem's tests/)."""
    return (path / "problem.yaml").is_file() and ((path / "data").is_dir() or not (path / "tests").is_dir())


def problemtools_time_limit(
    slowest_accepted: float, time_multiplier: float, safety_margin: float, measured_with: str = ""
) -> DerivedTimeLimit:
    """problemtools verifyproblem: timelim = max(1, int(0.5 + slowest * multiplier)) and
    timelim_margin = max(timelim + 1, int(0.5 + slowest * multiplier * safety_margin))."""
    exact = slowest_accepted * time_multiplier
    time_limit = max(1, int(0.5 + exact))
    margin = max(time_limit + 1, int(0.5 + exact * safety_margin))
    return DerivedTimeLimit(
        slowest_accepted=slowest_accepted,
        time_multiplier=time_multiplier,
        safety_margin=safety_margin,
        time_limit=time_limit,
        tle_margin=margin,
        measured_with=measured_with,
    )


def read_kattis(path: Path) -> Problem:
    path = Path(path).resolve()
    yaml_path = path / "problem.yaml"
    if not yaml_path.is_file():
        raise FormatError(yaml_path, None, "file is missing: not a Kattis problem package")
    config = mapping(load_yaml(yaml_path), yaml_path, None)
    notes: list[str] = []

    name = _name(config.get("name"), yaml_path) or path.name
    limits = mapping(config.get("limits"), yaml_path, "limits")
    problem_type = _words(config.get("type", "pass-fail"), yaml_path, "type")
    validation = _words(config.get("validation", "default"), yaml_path, "validation")
    if validation[0] not in ("default", "custom"):
        raise FormatError(
            yaml_path, "validation", f"expected default or custom..., got {' '.join(validation)!r}"
        )
    interactive = "interactive" in problem_type or "interactive" in validation[1:]
    # In the 2023-07 draft an output_validator/ directory alone makes validation custom.
    draft = "problem_format_version" in config
    custom = validation[0] == "custom" or interactive or (draft and _validator_dir(path) is not None)
    flags = _flags(config.get("validator_flags"), yaml_path)
    if "scoring" in problem_type or "score" in validation[1:]:
        notes.append(
            "scoring problem: judged pass/fail (every test must be accepted); group scores are not used"
        )

    checker, interactor = _checker(path, yaml_path, custom, interactive, flags, notes)

    time_multiplier, safety_margin = _multipliers(limits, yaml_path)
    time_limit = _time_limit(path, limits, yaml_path)
    memory = limits.get("memory", DEFAULT_MEMORY_MB)
    output = limits.get("output", DEFAULT_OUTPUT_MB)
    data: dict[str, Any] = {
        "id": path.name,
        "name": name,
        "statement": _statement(path),
        "time_limit": time_limit,
        "memory_limit_mb": math.ceil(number(memory, yaml_path, "limits.memory")),
        "output_limit_mb": math.ceil(number(output, yaml_path, "limits.output")),
        "tags": _keywords(config.get("keywords"), yaml_path),
        "tests": _tests(path / "data", interactive),
        "checker": checker,
        "interactor": interactor,
        "solutions": _solutions(path / "submissions", notes),
        "time_multiplier": time_multiplier,
        "safety_margin": safety_margin,
        "source": _str_or_none(config.get("source"), yaml_path, "source"),
        "licence": _str_or_none(config.get("license"), yaml_path, "license"),
        "url": _str_or_none(config.get("source_url"), yaml_path, "source_url"),
        "origin_format": "kattis",
        "notes": notes,
        "root": path,
    }
    return build(Problem, data, yaml_path)


def _name(value: Any, yaml_path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        if not value:
            raise FormatError(yaml_path, "name", "empty mapping of languages")
        chosen = value.get("en", next(iter(value.values())))
        return str(check(chosen, str, yaml_path, "name.en"))
    return str(check(value, (str, int, float), yaml_path, "name"))


def _words(value: Any, yaml_path: Path, field: str) -> list[str]:
    if isinstance(value, list):
        words = [str(check(v, str, yaml_path, field)) for v in value]
    else:
        words = str(check(value, str, yaml_path, field)).split()
    if not words:
        raise FormatError(yaml_path, field, "is empty")
    return words


def _flags(value: Any, yaml_path: Path) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(check(v, (str, int, float), yaml_path, "validator_flags")) for v in value]
    text = str(check(value, (str, int, float), yaml_path, "validator_flags"))
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise FormatError(yaml_path, "validator_flags", f"cannot split {text!r}: {exc}") from None


def _default_checker(flags: list[str], yaml_path: Path, notes: list[str]) -> dict[str, Any]:
    """The Kattis default validator: tokens, case-insensitive unless case_sensitive, float tolerances."""
    abs_tol = rel_tol = None
    case_sensitive = False
    i = 0
    while i < len(flags):
        flag = flags[i]
        if flag in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
            if i + 1 >= len(flags):
                raise FormatError(yaml_path, "validator_flags", f"{flag} needs a value")
            eps = number(flags[i + 1], yaml_path, f"validator_flags {flag}")
            if eps < 0 or math.isnan(eps):
                raise FormatError(yaml_path, "validator_flags", f"{flag} must be >= 0, got {flags[i + 1]}")
            if flag != "float_relative_tolerance":
                abs_tol = eps
            if flag != "float_absolute_tolerance":
                rel_tol = eps
            i += 2
            continue
        if flag == "case_sensitive":
            case_sensitive = True
        elif flag == "space_change_sensitive":
            notes.append(
                "validator flag space_change_sensitive is not supported: whitespace is compared loosely"
            )
        else:
            raise FormatError(yaml_path, "validator_flags", f"unknown default-validator flag {flag!r}")
        i += 1
    if abs_tol is not None or rel_tol is not None:
        if not case_sensitive:
            notes.append(
                "floats checker compares non-numeric tokens case-sensitively (Kattis: insensitively)"
            )
        return {"type": CheckerType.FLOATS, "abs_tol": abs_tol, "rel_tol": rel_tol}
    # The Kattis default compares tokens case-insensitively: exactly our yesno checker.
    return {"type": CheckerType.TOKENS if case_sensitive else CheckerType.YESNO}


def _validator_dir(path: Path) -> Path | None:
    for name in ("output_validators", "output_validator"):
        if (path / name).is_dir():
            return path / name
    return None


def _validator_source(path: Path, yaml_path: Path) -> Path:
    directory = _validator_dir(path)
    if directory is None:
        raise FormatError(yaml_path, "validation", "custom validation but no output_validators/ directory")
    entries = [p for p in sorted(directory.iterdir()) if not p.name.startswith(".")]
    if not entries:
        raise FormatError(directory, None, "output validator directory is empty")
    if len(entries) == 1 and (entries[0].is_dir() or entries[0].suffix):
        return entries[0].resolve()
    return directory.resolve()  # 2023-07 draft: the sources sit directly in output_validator/


def _checker(
    path: Path, yaml_path: Path, custom: bool, interactive: bool, flags: list[str], notes: list[str]
) -> tuple[Checker, Interactor | None]:
    if interactive:
        source = _validator_source(path, yaml_path)
        interactor = Interactor(protocol=InteractorProtocol.KATTIS, source=source, flags=flags)
        return Checker(), interactor
    if custom:
        source = _validator_source(path, yaml_path)
        return Checker(type=CheckerType.KATTIS, source=source, flags=flags), None
    return build(Checker, _default_checker(flags, yaml_path, notes), yaml_path, "validator_flags"), None


def _multipliers(limits: Mapping[str, Any], yaml_path: Path) -> tuple[float, float]:
    multipliers = mapping(limits.get("time_multipliers"), yaml_path, "limits.time_multipliers")
    if multipliers:  # 2023-07 draft
        ac = multipliers.get("ac_to_time_limit", DEFAULT_AC_TO_TIME_LIMIT)
        tle = multipliers.get("time_limit_to_tle", DEFAULT_TIME_LIMIT_TO_TLE)
        out = (
            number(ac, yaml_path, "limits.time_multipliers.ac_to_time_limit"),
            number(tle, yaml_path, "limits.time_multipliers.time_limit_to_tle"),
        )
    else:
        out = (
            number(
                limits.get("time_multiplier", DEFAULT_TIME_MULTIPLIER), yaml_path, "limits.time_multiplier"
            ),
            number(
                limits.get("time_safety_margin", DEFAULT_SAFETY_MARGIN),
                yaml_path,
                "limits.time_safety_margin",
            ),
        )
    for value, field in zip(out, ("time multiplier", "safety margin"), strict=True):
        if not value > 0 or math.isinf(value):
            raise FormatError(yaml_path, "limits", f"{field} must be a positive number, got {value}")
    return out


def _time_limit(path: Path, limits: Mapping[str, Any], yaml_path: Path) -> float | None:
    fixed = path / ".timelimit"
    if fixed.exists():
        value = number(read_text(fixed), fixed, "time limit")
    elif limits.get("time_limit") is not None:
        value = number(limits["time_limit"], yaml_path, "limits.time_limit")
    else:
        return None
    if not value > 0 or math.isinf(value):
        raise FormatError(
            fixed if fixed.exists() else yaml_path, "time_limit", f"must be positive, got {value}"
        )
    return value


def _statement(path: Path) -> str:
    for directory in ("problem_statement", "statement"):
        base = path / directory
        if not base.is_dir():
            continue
        candidates = sorted(base.glob("problem*.md")) + sorted(base.glob("problem*.tex"))
        for preferred in ("problem.en.md", "problem.md", "problem.en.tex", "problem.tex"):
            if (base / preferred).is_file():
                return read_text(base / preferred)
        if candidates:
            return read_text(candidates[0])
    return ""


def _keywords(value: Any, yaml_path: Path) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(check(v, str, yaml_path, "keywords")) for v in value]
    return str(check(value, str, yaml_path, "keywords")).split()


def _str_or_none(value: Any, yaml_path: Path, field: str) -> str | None:
    if value is None:
        return None
    return str(check(value, (str, int, float), yaml_path, field))


def _tests(data_dir: Path, interactive: bool) -> dict[str, list[dict[str, Any]]]:
    if not data_dir.is_dir():
        raise FormatError(data_dir, None, "data directory is missing")
    sample = pair_tests(data_dir / "sample", data_dir / "sample")
    secret = pair_tests(data_dir / "secret", data_dir / "secret")
    if not secret and not sample:
        raise FormatError(
            data_dir, None, "no tests: expected data/sample or data/secret with NAME.in + NAME.ans"
        )
    return {
        "sample": [{"name": n, "input": i, "answer": a} for n, i, a in sample],
        "system": [{"name": n, "input": i, "answer": a} for n, i, a in secret],
    }


def _solutions(submissions: Path, notes: list[str]) -> list[dict[str, Any]]:
    if not submissions.is_dir():
        return []
    out: list[dict[str, Any]] = []
    for verdict_dir in sorted(p for p in submissions.iterdir() if p.is_dir()):
        if verdict_dir.name not in _SUBMISSION_DIRS:
            notes.append(f"submissions/{verdict_dir.name}: unknown verdict directory, skipped")
            continue
        for entry in sorted(verdict_dir.iterdir()):
            if not entry.name.startswith("."):
                out.append({"name": entry.name, "expected": verdict_dir.name, "path": entry.resolve()})
    return out
