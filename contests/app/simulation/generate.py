"""Generation: the agent's K samples per problem, a `command:` agent's kept beside the output."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from contests.agents import Agent, Request, Submission
from contests.app.simulation.errors import SimulationError
from contests.app.simulation.options import Reporter, SimulateOptions
from contests.contest import Contest

SampleKey = tuple[str, str, int]  # (contest id, problem index, sample)


def generate(
    contests: list[Contest],
    agent: Agent,
    options: SimulateOptions,
    reporter: Reporter,
    sub_cache: Path | None,
) -> list[Submission]:
    """All submissions; a `command:` agent's are kept beside the output so a rerun does not regenerate."""
    persist = sub_cache is not None and agent.spec.startswith("command:")
    cached = _read_cached(sub_cache, agent) if persist and sub_cache is not None else {}
    requests = [
        Request(c, p, s)
        for c in contests
        for p in c.problems
        for s in range(options.samples)
        if (c.id, p.index or "", s) not in cached
    ]
    advance = reporter.task(f"generating ({agent.spec})", len(requests))
    fresh = agent.generate(requests, advance) if requests else []
    if persist and sub_cache is not None and fresh:
        _append(sub_cache, agent, fresh)
    wanted = {(c.id, p.index or "") for c in contests for p in c.problems}
    subs = [
        s
        for s in [*cached.values(), *fresh]
        if (s.contest, s.problem) in wanted and s.sample < options.samples
    ]
    return sorted(subs, key=lambda s: (s.contest, s.problem, s.sample))


def _read_cached(sub_cache: Path, agent: Agent) -> dict[SampleKey, Submission]:
    cached: dict[SampleKey, Submission] = {}
    if not sub_cache.is_file():
        return cached
    for line in sub_cache.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            if record["agent"] == agent.spec:
                sub = Submission.model_validate(record["submission"])
                cached[(sub.contest, sub.problem, sub.sample)] = sub
        except (ValueError, KeyError, TypeError):
            continue
    return cached


def _append(sub_cache: Path, agent: Agent, fresh: list[Submission]) -> None:
    sub_cache.parent.mkdir(parents=True, exist_ok=True)
    with sub_cache.open("a", encoding="utf-8") as fh:
        for sub in fresh:
            if sub.error is None:
                fh.write(json.dumps({"agent": agent.spec, "submission": sub.model_dump(mode="json")}) + "\n")


def require_every_contest(contests: list[Contest], subs: list[Submission], agent: Agent) -> None:
    """Fail when the agent gave nothing for some contest (a replay file naming another contest id)."""
    empty = [c.id for c in contests if not any(s.contest == c.id for s in subs)]
    if empty:
        raise SimulationError(
            f"agent {agent.spec} gave no submission for contest {', '.join(empty)} "
            "(a replay file must name the contest id of contest.yaml)"
        )


def require_programs(subs: list[Submission], agent: Agent) -> None:
    """Fail when most samples gave no program (a server refusing every request, a wrong prompt format):
    rating what little is left would report the failure as a weak model. The message gives the most
    common reason, e.g. the server's HTTP error text."""
    without = [s for s in subs if not s.has_code]
    if not subs or 2 * len(without) <= len(subs):
        return
    reasons = Counter((s.error or "empty program").splitlines()[0][:300] for s in without)
    reason, count = reasons.most_common(1)[0]
    raise SimulationError(
        f"agent {agent.spec}: {len(without)} of {len(subs)} samples produced no program; "
        f"most common reason ({count}x): {reason}"
    )
