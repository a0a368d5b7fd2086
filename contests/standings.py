"""Human standings of a contest: who placed where, with what per-problem results and old rating."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProblemResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: float = Field(0.0, ge=0, description="points earned (icpc: 1 or 0)")
    rejected: int = Field(0, ge=0, description="counted wrong attempts")
    minute: float | None = Field(None, ge=0, description="minute of the accepted submission; None: unsolved")


class StandingsRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handle: str
    rank: int = Field(
        ge=1, description="1-based place; equal points and penalty share the block's best place"
    )
    old_rating: int | None = Field(None, description="rating before the contest; None: not rated")
    new_rating: int | None = Field(None, description="rating after it, when known (contest.ratingChanges)")
    points: float = Field(description="cf: the score; icpc: problems solved")
    penalty: int = Field(0, ge=0, description="cf: 0 (or hacks); icpc: penalty minutes")
    problems: dict[str, ProblemResult] = Field(default_factory=dict, description="by problem index")


class Standings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    synthetic: bool = Field(False, description="True when generated rather than observed")
    note: str = ""
    generator: str | None = None
    rows: list[StandingsRow] = Field(default_factory=list, description="in final standings order")

    def rated(self) -> list[StandingsRow]:
        return [row for row in self.rows if row.old_rating is not None]
