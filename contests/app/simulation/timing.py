"""Submission-time models: at which minute of the contest each of the model's attempts is made.

Every result names the model it used, since published ratings differ by it:

- `zero` (CodeElo): every attempt at minute 0.
- `human-median` (OpenAI o1): the accepted attempt at the median minute of the humans who solved that
  problem with the same number of counted wrong attempts. Fallbacks, in order, when no human did: the
  median minute over all humans who solved the problem; then the end of the contest (the problem still
  counts as solved, at the last minute). The wrong attempts before it are spread evenly before it
  (attempt j of n at minute m*(j+1)/n); they only matter through their number. Attempts of a problem
  never accepted are placed at the end of the contest (they change no score).
- `alphacode` (AlphaCode): attempts in three batches, at 10%, 50% and 90% of the contest: the first third
  of the attempt budget in the first batch, the second third in the second, the rest in the third.
- `latency`: the agent's real generation time. The samples of one problem are generated one after
  another while the problems run in parallel, so attempt j is made when the samples up to it in
  generation order (filtered ones included: they took time too) have been generated. Attempts that land
  after the end of the contest are ignored by the rules.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

ALPHACODE_BATCHES = (0.1, 0.5, 0.9)


class TimingModel(StrEnum):
    ZERO = "zero"
    HUMAN_MEDIAN = "human-median"
    ALPHACODE = "alphacode"
    LATENCY = "latency"


@dataclass(frozen=True)
class HumanSolve:
    """A human who solved the problem: counted wrong attempts before it, and the minute of acceptance."""

    rejected: int
    minute: float


def human_median_minute(solves: Sequence[HumanSolve], wrong: int, duration: float) -> tuple[float, str]:
    """The minute of acceptance under `human-median`, and which rule gave it (for the results)."""
    same = [s.minute for s in solves if s.rejected == wrong]
    if same:
        return float(statistics.median(same)), "same-wrong-attempts"
    if solves:
        return float(statistics.median(s.minute for s in solves)), "all-solvers"
    return float(duration), "contest-end"


def minutes(
    model: TimingModel,
    *,
    duration: float,
    submitted: Sequence[int],
    budget: int,
    decisive: int | None,
    wrong_before: int,
    latencies: Sequence[float] = (),
    solves: Sequence[HumanSolve] = (),
) -> list[float]:
    """Minutes of the submitted attempts of one problem.

    `submitted`: positions (in generation order) of the samples submitted, in submission order;
    `budget`: how many attempts were allowed; `decisive`: index in `submitted` of the first attempt
    accepted or passing pretests (None if none); `wrong_before`: counted wrong attempts before it;
    `latencies`: generation seconds of every sample in generation order (`latency`); `solves`: the
    human solvers of this problem (`human-median`).
    """
    n = len(submitted)
    if model is TimingModel.ZERO:
        return [0.0] * n
    if model is TimingModel.ALPHACODE:
        size = max(1, budget)
        return [duration * ALPHACODE_BATCHES[min(2, 3 * j // size)] for j in range(n)]
    if model is TimingModel.LATENCY:
        if len(latencies) < (max(submitted) + 1 if submitted else 0):
            raise ValueError("latency timing needs the generation time of every sample")
        elapsed: list[float] = []
        acc = 0.0
        for value in latencies:
            acc += max(0.0, value)
            elapsed.append(acc / 60.0)
        return [elapsed[i] for i in submitted]
    if decisive is None:
        return [float(duration)] * n
    accepted_at, _ = human_median_minute(solves, wrong_before, duration)
    steps = decisive + 1
    out = [accepted_at * (j + 1) / steps for j in range(steps)]
    return out + [float(duration)] * (n - steps)
