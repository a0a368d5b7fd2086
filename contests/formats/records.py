"""JSON / JSONL / Parquet files of records (CodeContests, open-r1); errors name the line and field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from contests.errors import FormatError
from contests.formats.fields import load_json_text, read_text


def iter_records(path: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(location, record) for each record in a .json (object or array), .jsonl or .parquet file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl", ".parquet"))
        if not files:
            raise FormatError(path, None, "directory holds no .json, .jsonl or .parquet files")
        for file in files:
            yield from iter_records(file)
        return
    if path.suffix == ".parquet":
        yield from _parquet(path)
        return
    text = read_text(path)
    if path.suffix == ".jsonl" or (not text.lstrip().startswith("[") and "\n{" in text.strip()):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield from _one(load_json_text(line, path, f"line {number}"), path, f"line {number}")
        return
    data = load_json_text(text, path)
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _one(item, path, f"[{i}]")
    else:
        yield from _one(data, path, None)


def _one(item: Any, path: Path, where: str | None) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(item, Mapping):
        raise FormatError(path, where, f"expected a JSON object, got {type(item).__name__}")
    yield (where or "record", item)


def _parquet(path: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    try:
        import pyarrow.parquet as pq  # optional extra: pip install 'cpelo[parquet]'
    except ImportError:
        raise FormatError(path, None, "reading Parquet needs pyarrow: pip install 'cpelo[parquet]'") from None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises its own hierarchy (ArrowInvalid, OSError, ...)
        raise FormatError(path, None, f"unreadable Parquet: {exc}") from None
    for i, row in enumerate(table.to_pylist()):
        yield from _one(row, path, f"row {i}")
