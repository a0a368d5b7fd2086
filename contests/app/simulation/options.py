"""What a simulation is asked to do (`SimulateOptions`) and how it shows progress (`Reporter`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contests.app.simulation.results import AttemptPolicy
from contests.app.simulation.timing import TimingModel
from elo import estimators as est
from elo.percentile import DEFAULT_POPULATION

SELECTIONS = ("generation-order", "random-orders", "filter-examples", "cluster", "majority")


class SimulateOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    samples: int = Field(10, ge=1, description="samples generated per problem (K)")
    attempts: int | None = Field(None, ge=1, description="most submissions per problem (default K)")
    timing: TimingModel = TimingModel.HUMAN_MEDIAN
    estimator: est.EstimatorName = est.DEFAULT_ESTIMATOR
    population: str = DEFAULT_POPULATION
    policy: AttemptPolicy = "generation-order"
    n_orders: int = Field(100, ge=1, description="random-orders: how many orders")
    select: str = Field(
        "generation-order",
        description="generation-order | random-orders | filter-examples | cluster | majority | rerank:CMD",
    )
    extra_inputs: int = Field(10, ge=1, description="cluster/majority: extra inputs run per problem")
    extra_inputs_from: Literal["examples", "agent"] = Field(
        "examples", description="cluster/majority: mutate the public examples, or ask the agent for inputs"
    )
    filter_samples: bool = False
    protocol: str | None = Field(None, description="a published protocol that fixed the settings")
    curve: bool = Field(False, description="also rate at k = 1, 2, 4, ..., K samples (test-time compute)")
    filter_counted: bool = False
    jobs: int = Field(default_factory=lambda: max(1, len(os.sched_getaffinity(0))), ge=1)
    after: datetime | None = None
    before: datetime | None = None
    n_boot: int = Field(1000, ge=10)
    level: float = Field(0.95, gt=0, lt=1)
    seed: int = 0
    new_account: bool = Field(False, description="replay: the May-2020 new-account rules")
    executor: Literal["local", "ray"] = Field("local", description="where judging units run: local or ray")
    ray_address: str | None = Field(None, description="ray: the cluster's address (None: Ray's default)")
    price_in: float | None = Field(None, ge=0, description="USD per million prompt tokens (for the cost)")
    price_out: float | None = Field(None, ge=0, description="USD per million completion tokens")

    @model_validator(mode="after")
    def _selection(self) -> SimulateOptions:
        """`select` names the strategy; policy and filter_samples are its mechanics (and older flags)."""
        if self.select not in SELECTIONS and not self.select.startswith("rerank:"):
            raise ValueError(f"select {self.select!r}: expected one of {', '.join(SELECTIONS)} or rerank:CMD")
        if self.select == "rerank:":
            raise ValueError("select rerank: needs a command, e.g. rerank:'python3 verifier.py'")
        if self.select == "random-orders":
            self.policy = "random-orders"
        elif self.select == "filter-examples":
            self.filter_samples = True
        elif self.select == "generation-order" and self.filter_samples:
            self.select = "filter-examples"
        elif self.select == "generation-order" and self.policy == "random-orders":
            self.select = "random-orders"
        return self

    @property
    def budget(self) -> int:
        """Most submissions per problem."""
        return self.attempts or self.samples


class Reporter(Protocol):
    """Progress display: `task(description, total)` returns a callable that advances it by n."""

    def task(self, description: str, total: int) -> Callable[[int], None]: ...


class Silent:
    """No progress display."""

    def task(self, description: str, total: int) -> Callable[[int], None]:
        return lambda n: None
