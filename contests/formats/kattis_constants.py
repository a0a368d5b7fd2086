"""``constants`` of a Kattis package (2025-09): ``{{name}}`` in validators and submissions replaced.

``constants: {N: 5}`` replaces ``{{N}}``; BAPCtools' richer form ``{N: {value: 5, INT: "5"}}`` also
gives ``{{N.INT}}``. Unknown names stay as they are (the format says so). Substituted programs are
written once, content-addressed (``<dir>/kattis-constants/<hash>/``), because the judge compiles files,
not text.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile(rb"\{\{\s*(" + _NAME.encode() + rb"(?:\." + _NAME.encode() + rb")?)\s*\}\}")


def read_constants(value: Any, yaml_path: Path) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FormatError(yaml_path, "constants", f"expected a mapping of names to values, got {value!r}")
    out: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not re.fullmatch(_NAME, name):
            raise FormatError(
                yaml_path, f"constants.{name}", "a constant's name must match [a-zA-Z_][a-zA-Z0-9_]*"
            )
        if isinstance(item, Mapping):
            if "value" not in item:
                raise FormatError(yaml_path, f"constants.{name}", "a mapping needs a `value`")
            for key, variant in item.items():
                out[name if key == "value" else f"{name}.{key}"] = _text(variant)
        else:
            out[name] = _text(item)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    return str(value)


def substitute(data: bytes, constants: Mapping[str, str]) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        value = constants.get(match.group(1).decode())
        return match.group(0) if value is None else value.encode()

    return _TOKEN.sub(replace, data)


def uses_constants(data: bytes, constants: Mapping[str, str]) -> bool:
    return any(m.group(1).decode() in constants for m in _TOKEN.finditer(data))


def with_constants(source: Path, constants: Mapping[str, str], cache_dir: Path) -> Path:
    """``source`` (a file or a directory of files), or a substituted copy when it uses a constant."""
    if not constants:
        return source
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    contents = {p: p.read_bytes() for p in files}
    if not any(uses_constants(data, constants) for data in contents.values()):
        return source
    digest = hashlib.sha256()
    for path, data in contents.items():
        digest.update(path.relative_to(source.parent).as_posix().encode() + b"\0" + data + b"\0")
    for name, value in sorted(constants.items()):
        digest.update(f"{name}={value}\0".encode())
    home = cache_dir / "kattis-constants" / digest.hexdigest()[:32]
    target = home / source.name
    if target.exists():
        return target
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".part-", dir=home.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the judge's sandboxed compilers read it too
    for path, data in contents.items():
        out = staging / path.relative_to(source.parent)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(substitute(data, constants))
        os.chmod(out, path.stat().st_mode & 0o777)
    try:
        staging.rename(home)
    except OSError:  # another process published the same content first
        shutil.rmtree(staging, ignore_errors=True)
    return target
