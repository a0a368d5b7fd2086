"""What every agent yields (a Submission), what it is asked for (a Request), and how specs are parsed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from contests.contest import Contest
from contests.errors import ContestError
from contests.problem import Problem


class AgentError(ContestError):
    """An agent spec is malformed, or the agent could not produce its submissions."""


class Submission(BaseModel):
    """One sample of one problem as an agent produced it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    contest: str
    problem: str = Field(description="problem index within the contest")
    sample: int = Field(ge=0, description="0-based sample index, in generation order")
    language: str | None = Field(description="judge language id; None when no code could be extracted")
    source: str = Field(description="the program; empty when no code could be extracted")
    latency_s: float | None = Field(None, ge=0, description="seconds the agent took to produce it")
    tokens: int | None = Field(None, ge=0, description="completion tokens, when the agent reports them")
    prompt_tokens: int | None = Field(None, ge=0)
    reasoning_tokens: int | None = Field(None, ge=0, description="of the completion tokens, spent reasoning")
    error: str | None = Field(None, description="why no program came out (no code block, agent failure)")

    @property
    def has_code(self) -> bool:
        return self.language is not None and bool(self.source.strip()) and self.error is None


@dataclass(frozen=True)
class Request:
    """Generate sample number `sample` for `problem` of `contest`."""

    contest: Contest
    problem: Problem
    sample: int


Progress = Callable[[int], None]


class Agent(Protocol):
    """Turns requests into submissions, in any order it likes, calling `progress(1)` per submission."""

    spec: str

    def describe(self) -> dict[str, Any]:
        """What ran (model, endpoint, sampling parameters, prompt): recorded in the results; no secrets."""
        ...

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]: ...


@runtime_checkable
class InputWriter(Protocol):
    """An agent that can also be asked for test inputs of a problem (`--extra-inputs-from agent`)."""

    def write_inputs(self, contest: Contest, problem: Problem, count: int) -> list[str]: ...


class AgentOptions(BaseModel):
    """Settings shared by the agents that need them (CLI flags)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(None, description="openai: endpoint base URL (else env OPENAI_BASE_URL)")
    api_key: str | None = Field(None, description="openai: API key (else env OPENAI_API_KEY)")
    language: str = Field("cpp17", description="language asked of the model / assumed for bare code")
    temperature: float = Field(1.0, ge=0)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, gt=0)
    max_completion_tokens: int | None = Field(None, gt=0, description="o-series: instead of max_tokens")
    reasoning_effort: str | None = Field(None, description="reasoning models: e.g. low, medium, high")
    extra_body: dict[str, Any] | None = Field(None, description="merged into each request body as sent")
    concurrency: int = Field(4, ge=1, description="requests in flight at once")
    timeout_s: float = Field(600.0, gt=0, description="per request")
    max_retries: int = Field(6, ge=0)
    backoff_s: float = Field(1.0, ge=0, description="first retry delay; doubles each retry")
    cache_dir: str | None = Field(None, description="openai completion cache (default: CPELO_HOME/cache)")
    command_timeout_s: float = Field(600.0, gt=0, description="command: per run")
