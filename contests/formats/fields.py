"""Reading fields out of YAML/JSON files so that every failure is a FormatError naming file and field."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from contests.errors import FormatError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def read_text(path: Path, field: str | None = None) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormatError(path, field, "file is missing") from None
    except UnicodeDecodeError as exc:
        raise FormatError(path, field, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise FormatError(path, field, f"cannot read: {exc.strerror or exc}") from None


def load_yaml(path: Path) -> Any:
    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FormatError(path, None, f"invalid YAML{where}: {problem}") from None
    except (ValueError, RecursionError) as exc:  # e.g. a timestamp out of range
        raise FormatError(path, None, f"invalid YAML: {exc}") from None


def load_json_text(text: str, path: Path, field: str | None = None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            path, field, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FormatError(path, field, f"invalid JSON: {exc}") from None


def load_json(path: Path) -> Any:
    return load_json_text(read_text(path), path)


def mapping(value: Any, path: Path, field: str | None) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FormatError(path, field, f"expected a mapping, got {type(value).__name__}")
    return value


def get(data: Mapping[str, Any], key: str, kind: type[T] | tuple[type, ...], path: Path, field: str) -> Any:
    """``data[key]`` checked to be of ``kind`` (bool is never accepted as a number)."""
    if key not in data:
        raise FormatError(path, field, "is missing")
    return check(data[key], kind, path, field)


def get_opt(
    data: Mapping[str, Any], key: str, kind: type[T] | tuple[type, ...], path: Path, field: str
) -> Any:
    if data.get(key) is None:
        return None
    return check(data[key], kind, path, field)


def check(value: Any, kind: type[T] | tuple[type, ...], path: Path, field: str) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise FormatError(path, field, f"expected {_names(kinds)}, got a boolean {value!r}")
    if not isinstance(value, kinds):
        raise FormatError(
            path, field, f"expected {_names(kinds)}, got {type(value).__name__} {_short(value)}"
        )
    return value


def number(value: Any, path: Path, field: str) -> float:
    """A finite number, also accepted as a numeric string (Kattis and Polygon write '1.5' as text)."""
    try:
        result = (
            float(value.strip()) if isinstance(value, str) else float(check(value, (int, float), path, field))
        )
    except (ValueError, OverflowError):
        raise FormatError(path, field, f"expected a number, got {_short(value)}") from None
    if not math.isfinite(result):
        raise FormatError(path, field, f"must be a finite number, got {_short(value)}")
    return result


def build(model: type[M], data: Any, path: Path, prefix: str = "") -> M:
    """Validate ``data`` into ``model``; a ValidationError becomes a FormatError naming the first field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(part) for part in err["loc"])
        field = ".".join(part for part in (prefix, loc) if part) or None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise FormatError(path, field, f"{err['msg']}{more}") from None


def _names(kinds: tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a mapping"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
