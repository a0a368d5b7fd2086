"""Comparing results across executors: everything but the measurements (CPU, wall time, memory, runs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from judge.verdict import JudgeResult

_CPU = re.compile(r"\d+(\.\d+)? s CPU")  # an interactor's CPU time, quoted in the checker message
# How many runs a test took is measured too: one that lands near the limit on a loaded node is run again.
_MEASURED = ("time_s", "wall_s", "memory_bytes", "runs")
# How a time limit was caught (the kernel's CPU rlimit, or the sandbox's poll) is a race between the
# two: the verdict is the same, its one-line description is not.
_TIMED_OUT = ("TIME_LIMIT_EXCEEDED", "IDLENESS_LIMIT_EXCEEDED")
_HOW_CAUGHT = re.compile(r"^[^;]*")
# The compiler names the judge's scratch directory, different for every compilation.
_SCRATCH = re.compile(r"/[^\s:]*cpelo-compile-[^/\s]+/build/")


def without_measurements(result: JudgeResult | dict[str, Any]) -> dict[str, Any]:
    data = result.model_dump(mode="json") if isinstance(result, JudgeResult) else dict(result)
    for key in _MEASURED:
        data.pop(key, None)
    data["compile_log"] = _SCRATCH.sub("<build>/", data.get("compile_log", ""))
    tests = []
    for test in data["tests"]:
        kept = {k: v for k, v in test.items() if k not in _MEASURED}
        message = _CPU.sub("<t> s CPU", kept.get("checker_message", ""))
        if kept["verdict"] in _TIMED_OUT:
            message = _HOW_CAUGHT.sub("<limit>", message, count=1)
        kept["checker_message"] = message
        tests.append(kept)
    data["tests"] = tests
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
