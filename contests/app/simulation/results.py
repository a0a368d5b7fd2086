"""The results of `cpelo simulate`: one JSON document with a JSON Schema (`cpelo simulate --schema`).

Every number that depends on a choice names that choice beside it: the agent, the estimator, the
timing model, the attempt policy, the population (with its date), the contest window, and whether a
contest was rated from human standings or from problem difficulties.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from elo.uncertainty import Spread
from judge.verdict import Verdict

SCHEMA_VERSION = 1

AttemptPolicy = Literal["generation-order", "random-orders"]


def verdict_short(verdict: str) -> str:
    """The judge's abbreviation of a verdict (AC, WA, TLE, ...); an unknown string stays as it is."""
    try:
        return Verdict(verdict).short
    except ValueError:
        return verdict


class AttemptOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sample: int = Field(description="which sample was submitted (0-based, generation order)")
    verdict: str = Field(description="the judge's verdict over all tests, Codeforces name")
    failed_test: int | None = Field(description="first test failed; None when OK or COMPILATION_ERROR")
    minute: float = Field(description="minute of the contest it was submitted at (timing model)")
    outcome: str = Field(description="accepted | failed_system_tests | rejected | ignored")
    counted: bool = Field(description="whether it is a counted wrong attempt (penalised)")


class SampleOut(BaseModel):
    """One generated sample: what it cost, and why it gave no program if it did not."""

    model_config = ConfigDict(extra="forbid")

    sample: int
    verdict: str | None = Field(None, description="the judge's verdict (None: no program to judge)")
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = Field(None, description="of the completion tokens, spent reasoning")
    latency_s: float | None = None
    no_program: str | None = Field(
        None, description="why no program came out: HTTP error text, no code block, ..."
    )


class ProblemOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: str
    name: str
    rating: int | None = Field(description="Codeforces difficulty rating")
    max_points: float | None = Field(description="cf: the problem's value x")
    solved: bool
    points: float = Field(description="cf: points earned; icpc: 1 or 0")
    penalty: int = Field(description="icpc: penalty minutes of this problem")
    wrong: int = Field(description="counted wrong attempts before acceptance")
    minute: float | None = Field(description="whole minute of acceptance")
    minute_rule: str | None = Field(None, description="human-median: which rule gave the minute")
    samples: int = Field(description="samples generated (n of pass@k)")
    accepted_samples: int = Field(description="samples accepted on all tests (c of pass@k)")
    without_code: int = Field(0, description="samples from which no program could be taken")
    filtered: int = Field(0, description="samples dropped because they failed the examples")
    pass_at_k: dict[str, float] = Field(default_factory=dict)
    clusters: int | None = Field(None, description="cluster: how many behaviours the candidates showed")
    time_limit_s: float | None = Field(None, description="the time limit judged with (CPU s per test)")
    memory_limit_mb: int | None = Field(None, description="the memory limit judged with")
    attempts: list[AttemptOut]
    sample_details: list[SampleOut] = Field(
        default_factory=list, description="every sample, submitted or not"
    )


class ContestOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    rules: str
    start_time: datetime | None
    duration_minutes: int
    rated_by: Literal["standings", "difficulty"] = Field(
        description="standings: placed among the human standings; difficulty: rated from problem difficulties"
    )
    synthetic_standings: bool | None = Field(
        description="the human standings are synthetic (None: no standings)"
    )
    rank: int | None = Field(
        description="place among the rated humans, ties at the worst place of their block"
    )
    display_rank: int | None = Field(
        description="the place as Codeforces displays it (best place of the block)"
    )
    participants: int | None = Field(description="rated humans plus the model")
    performance: float | None = Field(
        description="per-contest performance; None when unbounded (first place)"
    )
    performance_estimator: str
    solved: int
    points: float
    penalty: int
    order_spread: Spread | None = Field(None, description="random-orders: performance over the orders")
    problems: list[ProblemOut]


class WindowOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: datetime | None = None
    before: datetime | None = None
    excluded: list[str] = Field(default_factory=list, description="contests left out by the window")


class PercentileOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float | None
    low: float
    high: float
    label: str
    title: str
    date: str
    source: str
    n: int


class ProtocolOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    citation: str
    settings: dict[str, Any] = Field(description="every setting the protocol fixed")


class CurvePoint(BaseModel):
    """One point of the test-time-compute curve: the rating from k of the K samples."""

    model_config = ConfigDict(extra="forbid")

    samples: int = Field(description="k samples per problem")
    attempts: int = Field(description="most submissions per problem")
    select: str
    rating: float | None
    ci: list[float | None]
    subsets: int = Field(1, description="random k-subsets averaged over")
    below_field: bool = Field(
        False, description="no subset solved anything: `rating` is only the estimator's last-place floor"
    )


class UsageOut(BaseModel):
    """Totals over every sample of the run (cached completions included: what the samples cost once)."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    samples: int
    without_program: int
    latency_s: float = Field(description="sum of the samples' latencies")


class CostOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price_in: float = Field(description="USD per million prompt tokens")
    price_out: float = Field(description="USD per million completion tokens (reasoning included)")
    usd: float


class RunOut(BaseModel):
    """What ran: the agent as it describes itself (model, endpoint, sampling, prompt; never a key) and the
    judge's sandbox backend."""

    model_config = ConfigDict(extra="forbid")

    agent: dict[str, Any] = Field(default_factory=dict)
    sandbox_backend: str | None = None
    extra_inputs: dict[str, str] = Field(
        default_factory=dict,
        description="cluster/majority: per contest/problem, where the extra inputs came from",
    )


class Results(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _name_older_spreads(cls, data: Any) -> Any:
        """Files written before the spreads named their estimator: it is the results' estimator."""
        if not isinstance(data, dict):
            return data
        name = data.get("estimator", "")

        def named(holder: Any) -> Any:
            spread = holder.get("order_spread") if isinstance(holder, dict) else None
            if isinstance(spread, dict) and "estimator" not in spread:
                return {**holder, "order_spread": {"estimator": name, **spread}}
            return holder

        data = named(data)
        if isinstance(data.get("contests"), list):
            data = {**data, "contests": [named(c) for c in data["contests"]]}
        return data

    schema_version: int = SCHEMA_VERSION
    cpelo_version: str
    created_at: datetime
    agent: str
    estimator: str = Field(description="the estimator that produced `rating`")
    estimator_note: str = ""
    estimator_bias: float | None = Field(
        None,
        description="the estimator's measured bias (estimate - truth) at this rating on synthetic Elo-model "
        "contests (bench/elo_calibration.py); None when not measured",
    )
    requested_estimator: str = Field(description="what was asked (difficulty replaces it without standings)")
    rated_by: Literal["standings", "difficulty"]
    rating_note: str = Field("", description="e.g. why the difficulty estimator was used")
    timing: str
    samples: int = Field(description="samples generated per problem (K)")
    attempts_limit: int = Field(description="most submissions per problem")
    attempt_policy: AttemptPolicy
    select: str = Field("generation-order", description="which samples were submitted, in which order")
    n_orders: int = Field(description="random orders drawn (1 for generation-order)")
    filter_samples: bool = Field(description="samples failing the examples were not submitted (o1-ioi)")
    filter_counted: bool = Field(description="filtered samples still used up the attempt budget")
    rating: float | None = Field(description="None when unbounded (first place everywhere)")
    below_field: bool = Field(
        False,
        description="nothing solved in any contest: `rating` is only where the estimator puts last place, "
        "the model is below the field",
    )
    ci: list[float | None] = Field(description="[low, high] confidence interval of the rating")
    ci_level: float
    standard_error: float | None = None
    order_spread: Spread | None = Field(None, description="random-orders: rating over the orders")
    percentile: float | None = Field(description="percent of the population rated below the rating")
    percentile_detail: PercentileOut | None = None
    population: str
    window: WindowOut
    pass_at_k: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="per difficulty band: mean pass@k and the problem count"
    )
    judged: int = Field(description="submissions judged in this run (cache misses)")
    judge_cache_hits: int = Field(description="submissions whose verdict came from the results cache")
    wall_time_s: float
    run: RunOut | None = Field(None, description="what ran (absent in files written before it was kept)")
    usage: UsageOut | None = None
    cost: CostOut | None = Field(None, description="given --price-in/--price-out")
    protocol: ProtocolOut | None = Field(None, description="--protocol: the publication it follows")
    curve: list[CurvePoint] = Field(default_factory=list, description="--curve: rating against samples")
    contests: list[ContestOut]


def schema() -> dict[str, Any]:
    """The JSON Schema of the results file."""
    out = Results.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "cpelo simulate results"
    return out


def schema_json() -> str:
    return json.dumps(schema(), indent=2)
