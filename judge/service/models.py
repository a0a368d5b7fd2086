"""Request and response bodies of the HTTP API (pydantic v2: the OpenAPI spec is generated from them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from judge.languages import LANGUAGES
from judge.service.problems import ProblemInfo
from judge.verdict import JudgeResult

PROBLEM_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LANGUAGE_ID = r"^[a-z0-9][a-z0-9+_.-]{0,31}$"
JOB_ID = r"^[0-9a-f]{32}$"
# The API takes language ids only (not the CLI's aliases), documented as an enum: the OpenAPI document
# then says which languages are accepted, and anything else is a 422.
LANGUAGE_NAMES: list[JsonValue] = [lang.id for lang in LANGUAGES]


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problem: str = Field(pattern=PROBLEM_ID, description="id of an uploaded problem", examples=["sum"])
    language: str = Field(
        pattern=LANGUAGE_ID, description="language id", examples=["python3"],
        json_schema_extra={"enum": LANGUAGE_NAMES},
    )  # fmt: skip
    source: str = Field(
        min_length=1, description="program text (UTF-8)", examples=["print(sum(map(int, input().split())))"]
    )
    run_all: bool = Field(
        False, strict=True, description="run every test instead of stopping at the first failure"
    )

    @field_validator("source")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("the source contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"the source is not valid UTF-8 text ({exc.reason})") from exc
        return value


class JudgeRequest(SubmissionRequest):
    wait_s: float = Field(10.0, gt=0, description="longest wait for the result; capped by the server")


Status = Literal["queued", "running", "done"]


class SubmissionCreated(BaseModel):
    id: str
    status: Status
    url: str = Field(description="where to poll for the result")


class SubmissionStatus(BaseModel):
    id: str
    status: Status
    problem: str
    language: str
    created_at: float
    finished_at: float | None
    attempts: int = Field(description="claims by workers: 1 unless a worker was lost mid-job")
    result: JudgeResult | None = Field(description="the same JSON as `cpelo judge --json`; None until done")


class ProblemList(BaseModel):
    problems: list[ProblemInfo]


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    queued: int
    running: int


class ErrorBody(BaseModel):
    detail: str
