"""The caches beside a results file: content hashes of problems and programs, and the judged results.

A rerun with the same output file judges nothing again and an interrupted run continues: every
judged result is appended as one JSON line, keyed by everything that decides its verdict.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from judge.task import JudgeTask
from judge.verdict import JudgeResult


def problem_hash(task: JudgeTask) -> str:
    """Content hash of everything that decides a verdict: limits, checker, interactor, test data."""
    h = hashlib.sha256()
    head = task.model_dump(mode="json", exclude={"tests", "id"})
    for key in ("checker", "interactor"):
        spec = head.get(key)
        if isinstance(spec, dict) and spec.get("source"):
            src = Path(spec["source"])
            spec["source"] = _path_digest(src)
            spec["include_dirs"] = []
    h.update(json.dumps(head, sort_keys=True).encode())
    for test in task.tests:
        h.update(f"|{test.index}|{test.group}|".encode())
        h.update(hashlib.sha256(test.input.read_bytes()).digest())
        h.update(hashlib.sha256(test.answer.read_bytes()).digest())
    return h.hexdigest()


def _path_digest(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"missing")
    return h.hexdigest()


def judge_key(problem_digest: str, language: str, source: str, run_all: bool) -> str:
    source_digest = hashlib.sha256(source.encode()).hexdigest()
    return hashlib.sha256(f"{problem_digest}|{language}|{source_digest}|{int(run_all)}".encode()).hexdigest()


class ResultsCache:
    """Judged results, one JSON line each (key, result), appended as they come: crash-safe and resumable."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.results: dict[str, JudgeResult] = {}
        if path is not None and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.results[record["key"]] = JudgeResult.model_validate(record["result"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that submission is judged again

    def get(self, key: str) -> JudgeResult | None:
        return self.results.get(key)

    def put(self, key: str, result: JudgeResult) -> None:
        with self.lock:
            self.results[key] = result
            if self.path is None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps({"key": key, "result": result.model_dump(mode="json")})
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def cache_dir_for(out: Path) -> Path:
    """Where the results cache of `out` lives: beside it."""
    return out.with_name(out.name + ".cache")
