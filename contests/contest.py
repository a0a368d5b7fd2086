"""A contest: its rules and timing, its problems in order, and the human standings when known."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contests.problem import Problem
from contests.standings import Standings

CONTEST_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Rules(StrEnum):
    CF = "cf"
    ICPC = "icpc"


class Contest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CONTEST_ID_PATTERN)
    name: str
    rules: Rules
    duration_minutes: int = Field(gt=0)
    start_time: datetime | None = None
    problems: list[Problem] = Field(default_factory=list, description="in judging/display order")
    standings: Standings | None = None
    source: str | None = None
    licence: str | None = None
    url: str | None = None
    notes: list[str] = Field(default_factory=list, description="what the import could not carry over")
    root: Path | None = Field(None, description="the directory it was read from", exclude=True)

    @model_validator(mode="after")
    def _indices(self) -> Contest:
        seen: set[str] = set()
        for problem in self.problems:
            if problem.index is None:
                raise ValueError(f"problem {problem.id} of contest {self.id} has no index")
            if problem.index in seen:
                raise ValueError(f"problem index {problem.index} appears twice in contest {self.id}")
            seen.add(problem.index)
        return self

    def problem(self, index: str) -> Problem:
        for problem in self.problems:
            if problem.index == index:
                return problem
        raise KeyError(index)
