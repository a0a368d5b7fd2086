"""Kattis problem package (problemtools legacy format and the 2023-07 draft) -> Problem.

Layout: problem.yaml, data/sample|secret (nested groups, symlinked files), .timelimit, output_validators/
(or output_validator/), submissions/<verdict>/, problem_statement/ (or statement/).
"""

from __future__ import annotations

import math
import shlex
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import build, check, load_yaml, mapping, number, read_text
from contests.formats.kattis_constants import read_constants, with_constants
from contests.formats.kattis_data import read_tests
from contests.formats.kattis_submissions import read_submissions
from contests.problem import (
    Checker,
    CheckerType,
    DerivedTimeLimit,
    InputValidator,
    Interactor,
    InteractorProtocol,
    Problem,
)
from judge.checkers.kattis_default import parse_args
from judge.errors import CheckerSetupError

# problemtools' defaults (problemtools/config/problem.yaml, legacy format)
DEFAULT_TIME_MULTIPLIER = 5.0
DEFAULT_SAFETY_MARGIN = 2.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_OUTPUT_MB = 8
# the 2023-07 draft's limits.time_multipliers defaults
DEFAULT_AC_TO_TIME_LIMIT = 2.0
DEFAULT_TIME_LIMIT_TO_TLE = 1.5

DEFAULT_VALIDATION_PASSES = 2
# What the package's judges compile C++ with: problemtools' languages.yaml says `g++ -std=gnu++23`
# (Kattis runs problemtools' configuration); DOMjudge's default is gnu++20, a subset for valid code.
KATTIS_CPP = "cpp23"
_CPP_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++")


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


def program_language(source: Path) -> str | None:
    """The language a Kattis package's own program (validator, interactor) is compiled as, when the
    judge should not guess it from the extension: C++ as the package's judges compile it."""
    files = [source] if source.is_file() else [p for p in source.iterdir() if p.is_file()]
    if any(p.name in ("build", "run") for p in files):
        return None
    return KATTIS_CPP if any(p.suffix.lower() in _CPP_SUFFIXES for p in files) else None


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
    if "submit-answer" in problem_type:
        raise FormatError(
            yaml_path, "type", "submit-answer problems (the answers are the submission) are not supported"
        )
    interactive = "interactive" in problem_type or "interactive" in validation[1:]
    multi_pass = "multi-pass" in problem_type or "multi-pass" in validation[1:]
    # In the 2023-07 draft and later an output_validator/ directory alone makes validation custom.
    # problem_format_version absent or "legacy": problemtools' legacy format; any other value is the
    # 2023-07 draft or a later version.
    draft = str(config.get("problem_format_version", "legacy")).strip().lower() != "legacy"
    custom = (
        validation[0] == "custom" or interactive or multi_pass or (draft and _validator_dir(path) is not None)
    )
    flags = _flags(config.get("validator_flags"), yaml_path)
    if "scoring" in problem_type or "score" in validation[1:]:
        notes.append(
            "scoring problem: judged pass/fail (every test must be accepted); group scores are not used"
        )
    constants = read_constants(config.get("constants"), yaml_path)
    # Substituted validators are content-addressed files; the library reads no settings, so they live
    # under the system's temp dir (shared by processes, recreated when absent).
    cache_dir = Path(tempfile.gettempdir()) / "cpelo"

    checker, interactor = _checker(path, yaml_path, custom, interactive, flags, constants, cache_dir)
    input_validator = _input_validator(path, notes, constants, cache_dir)

    time_multiplier, safety_margin = _multipliers(limits, yaml_path, draft)
    time_limit = _time_limit(path, limits, yaml_path)
    memory = limits.get("memory", DEFAULT_MEMORY_MB)
    output = limits.get("output", DEFAULT_OUTPUT_MB)
    source, url = _source(config.get("source"), config.get("source_url"), yaml_path)
    data: dict[str, Any] = {
        "id": path.name,
        "name": name,
        "statement": _statement(path),
        "time_limit": time_limit,
        "memory_limit_mb": math.ceil(number(memory, yaml_path, "limits.memory")),
        "output_limit_mb": math.ceil(number(output, yaml_path, "limits.output")),
        "tags": _keywords(config.get("keywords"), yaml_path),
        "tests": read_tests(path, notes),
        "checker": checker,
        "interactor": interactor,
        "input_validator": input_validator,
        "solutions": read_submissions(path / "submissions", notes, KATTIS_CPP),
        "time_multiplier": time_multiplier,
        "safety_margin": safety_margin,
        "validation_passes": _passes(limits, yaml_path) if multi_pass else None,
        "source": source,
        "licence": _str_or_none(config.get("license"), yaml_path, "license"),
        "url": url,
        "origin_format": "kattis",
        "notes": notes,
        "root": path,
    }
    return build(Problem, data, yaml_path)


def _passes(limits: Mapping[str, Any], yaml_path: Path) -> int:
    value = limits.get("validation_passes", DEFAULT_VALIDATION_PASSES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise FormatError(yaml_path, "limits.validation_passes", f"must be an integer >= 2, got {value!r}")
    return value


def _source(value: Any, url: Any, yaml_path: Path) -> tuple[str | None, str | None]:
    """``source``: a string (legacy, with ``source_url``), ``{name, url}``, or a list of either (2025-09)."""
    entries = value if isinstance(value, list) else [value] if value is not None else []
    names, urls = [], []
    for i, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            if "name" not in entry:
                raise FormatError(yaml_path, f"source[{i}]", "a source mapping needs a `name`")
            names.append(str(entry["name"]))
            if entry.get("url"):
                urls.append(str(entry["url"]))
        else:
            names.append(str(check(entry, (str, int, float), yaml_path, "source")))
    if url is not None:
        urls.insert(0, str(check(url, str, yaml_path, "source_url")))
    return ("; ".join(names) or None, urls[0] if urls else None)


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


def _default_checker(flags: list[str], yaml_path: Path) -> dict[str, Any]:
    """problemtools' default validator, its arguments checked now so a typo is an import error."""
    try:
        parse_args(flags)
    except CheckerSetupError as exc:
        raise FormatError(yaml_path, "validator_flags", str(exc)) from None
    return {"type": CheckerType.KATTIS_DEFAULT, "flags": flags}


def _validator_dir(path: Path, kind: str = "output") -> Path | None:
    """The package's `<kind>_validators/` (legacy) or `<kind>_validator/` (2023-07 and later)."""
    for name in (f"{kind}_validators", f"{kind}_validator"):
        if (path / name).is_dir():
            return path / name
    return None


# Input validators cpelo can build; checktestdata (.ctd), viva (.viva) and shell scripts need their own
# tools and are left out.
_PROGRAM_SUFFIXES = (*_CPP_SUFFIXES, ".c", ".py", ".py3", ".java")


def _input_validator(
    path: Path, notes: list[str], constants: Mapping[str, str], cache_dir: Path
) -> InputValidator | None:
    """The package's input validator (stdin in, exit 42 = valid), used to vet extra inputs a model writes
    (`cpelo simulate --extra-inputs-from agent`): one program, a source file or a directory of sources
    (``validator.cpp`` with its ``validator.h``). With several, all would have to accept; with none
    buildable there is none, and a note says which were left out."""
    directory = _validator_dir(path, "input")
    if directory is None:
        return None
    entries = [p for p in sorted(directory.iterdir()) if not p.name.startswith(".") and p.exists()]
    programs = [p for p in entries if p.is_dir() or p.suffix.lower() in _PROGRAM_SUFFIXES]
    headers = [p for p in entries if p.is_file() and p.suffix.lower() in (".h", ".hpp")]
    if headers and len(programs) == 1 and programs[0].is_file():
        programs = [directory]  # one validator's sources and headers directly in the directory
    if len(programs) != 1:
        left = ", ".join(p.name for p in entries if p not in programs and p not in headers)
        notes.append(
            f"input validators: {len(programs)} cpelo can build"
            + (f", {left} need other tools" if left else "")
            + "; extra inputs are not vetted by them"
        )
        return None
    source = with_constants(programs[0].resolve(), constants, cache_dir)
    return InputValidator(source=source, language=program_language(source), valid_exit=42)


def _validator_source(path: Path, yaml_path: Path, constants: Mapping[str, str], cache_dir: Path) -> Path:
    directory = _validator_dir(path)
    if directory is None:
        raise FormatError(yaml_path, "validation", "custom validation but no output_validator/ directory")
    entries = [p for p in sorted(directory.iterdir()) if not p.name.startswith(".")]
    for entry in entries:
        if entry.is_symlink() and not entry.exists():
            raise FormatError(entry, None, f"broken symbolic link (to {entry.readlink()})")
    if not entries:
        raise FormatError(directory, None, "output validator directory is empty")
    if len(entries) == 1 and (entries[0].is_dir() or entries[0].suffix):
        source = entries[0].resolve()
    else:
        source = directory.resolve()  # 2023-07 and later: the sources sit directly in output_validator/
    return with_constants(source, constants, cache_dir)


def _checker(
    path: Path,
    yaml_path: Path,
    custom: bool,
    interactive: bool,
    flags: list[str],
    constants: Mapping[str, str],
    cache_dir: Path,
) -> tuple[Checker, Interactor | None]:
    if interactive:
        source = _validator_source(path, yaml_path, constants, cache_dir)
        interactor = Interactor(protocol=InteractorProtocol.KATTIS, source=source, flags=flags)
        return Checker(), interactor
    if custom:
        source = _validator_source(path, yaml_path, constants, cache_dir)
        return Checker(type=CheckerType.KATTIS, source=source, flags=flags), None
    return build(Checker, _default_checker(flags, yaml_path), yaml_path, "validator_flags"), None


def _multipliers(limits: Mapping[str, Any], yaml_path: Path, draft: bool) -> tuple[float, float]:
    """(ac_to_time_limit, time_limit_to_tle): the 2023-07/2025-09 defaults 2.0 and 1.5 apply to every
    package of those versions, with or without ``limits.time_multipliers``; legacy packages keep
    problemtools' time_multiplier 5 and time_safety_margin 2."""
    multipliers = mapping(limits.get("time_multipliers"), yaml_path, "limits.time_multipliers")
    if multipliers or draft:
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
