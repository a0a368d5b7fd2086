"""Comparing results across executors: everything but the measurements (CPU, wall time, memory)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from judge.verdict import JudgeResult

_CPU = re.compile(r"\d+(\.\d+)? s CPU")  # an interactor's CPU time, quoted in the checker message
_MEASURED = ("time_s", "wall_s", "memory_bytes")
# The compiler names the judge's scratch directory, different for every compilation.
_SCRATCH = re.compile(r"/[^\s:]*cpelo-compile-[^/\s]+/build/")


def without_measurements(result: JudgeResult | dict[str, Any]) -> dict[str, Any]:
    data = result.model_dump(mode="json") if isinstance(result, JudgeResult) else dict(result)
    for key in _MEASURED:
        data.pop(key, None)
    data["compile_log"] = _SCRATCH.sub("<build>/", data.get("compile_log", ""))
    data["tests"] = [
        {k: _CPU.sub("<t> s CPU", v) if isinstance(v, str) else v for k, v in t.items() if k not in _MEASURED}
        for t in data["tests"]
    ]
    return data


def results_json(path: Path) -> dict[str, Any]:
    """A simulation's results JSON without what differs between any two runs (when, how long)."""
    data = json.loads(path.read_text())
    data.pop("created_at")
    data.pop("wall_time_s")
    return dict(data)


def judged(out: Path) -> dict[str, dict[str, Any]]:
    """The simulation's judged results (beside ``out``), by judging key, measurements left out."""
    cache = out.with_name(out.name + ".cache") / "judged.jsonl"
    records = [json.loads(line) for line in cache.read_text().splitlines()]
    return {r["key"]: without_measurements(r["result"]) for r in records}
