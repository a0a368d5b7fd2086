"""`replay:FILE`: submissions recorded earlier, one JSON object per line.

Each line: {"contest": str, "problem": str, "language": str|null, "source": str} plus optional
"sample" (int), "latency_s", "tokens". `source` may be a whole model reply: the code block is extracted
(its language from the fence tag when "language" is null). Lines without "sample" are numbered in file
order per (contest, problem). Samples the file lacks are simply absent (n is smaller), not failures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contests.agents.base import AgentError, Progress, Request, Submission
from contests.agents.code import to_program


class ReplayLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    contest: str
    problem: str
    language: str | None = None
    source: str
    sample: int | None = Field(None, ge=0)
    latency_s: float | None = Field(None, ge=0)
    tokens: int | None = Field(None, ge=0)


class ReplayAgent:
    def __init__(self, path: Path) -> None:
        self.spec = f"replay:{path}"
        self.path = path
        self._by_key = self._read(path)

    def describe(self) -> dict[str, Any]:
        return {"kind": "replay", "file": str(self.path)}

    @staticmethod
    def _read(path: Path) -> dict[tuple[str, str, int], Submission]:
        if not path.is_file():
            raise AgentError(f"{path}: replay file not found")
        out: dict[tuple[str, str, int], Submission] = {}
        counters: dict[tuple[str, str], int] = {}
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                line = ReplayLine.model_validate(json.loads(raw))
            except (json.JSONDecodeError, ValidationError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise AgentError(f"{path}:{lineno}: not a replay line ({first})") from None
            pair = (line.contest, line.problem)
            sample = line.sample if line.sample is not None else counters.get(pair, 0)
            counters[pair] = max(counters.get(pair, 0), sample + 1)
            key = (line.contest, line.problem, sample)
            if key in out:
                raise AgentError(
                    f"{path}:{lineno}: sample {sample} of {line.contest}/{line.problem} given twice"
                )
            language, source, error = to_program(line.source, line.language)
            out[key] = Submission(
                contest=line.contest,
                problem=line.problem,
                sample=sample,
                language=language,
                source=source,
                latency_s=line.latency_s,
                tokens=line.tokens,
                error=error,
            )
        return out

    def available(self, contest: str, problem: str) -> int:
        return sum(1 for c, p, _ in self._by_key if c == contest and p == problem)

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]:
        out = []
        for r in requests:
            found = self._by_key.get((r.contest.id, r.problem.index or "", r.sample))
            # Samples the file does not hold were never generated: they are not failures.
            if found is not None:
                out.append(found)
            if progress:
                progress(1)
        return out
