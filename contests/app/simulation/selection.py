"""Which of the K samples to submit, and in which order (`--select`).

- `generation-order` / `random-orders`: every sample with a program, as generated or over random orders
  (play.py).
- `filter-examples`: the o1-ioi strategy, samples failing the public examples are not submitted (play.py).
- `cluster` (AlphaCode, Li et al. 2022, section 4.6): the samples passing the examples are run on extra
  inputs (extra_inputs.py) and grouped by identical behaviour; one sample of each cluster is submitted,
  largest cluster first.
- `majority` (consensus): the samples passing the examples, the one whose outputs agree with the most
  others first (agreement summed over the extra inputs).
- `rerank:CMD`: a user's scoring program (e.g. a learned verifier) reads the candidates as JSON on stdin
  and prints a JSON list of scores (or {"scores": [...]}); highest score first.

The three last ones fix an order here (a ranking of sample numbers); play.py submits along it.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections import Counter
from dataclasses import dataclass

from contests.agents import Agent, InputWriter, Submission
from contests.agents.prompt import problem_json
from contests.app.simulation.behaviour import Behaviour, behaviour
from contests.app.simulation.errors import SimulationError
from contests.app.simulation.extra_inputs import extra_inputs
from contests.app.simulation.generate import SampleKey
from contests.app.simulation.input_validation import accepted
from contests.app.simulation.options import Reporter, SimulateOptions
from contests.contest import Contest
from contests.problem import Problem
from contests.problem_loader import to_judge_task
from judge.config import JudgeConfig
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import JudgeResult, Verdict

RANKED = ("cluster", "majority")
RERANK_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Ranking:
    samples: list[int]  # sample numbers, in submission order
    clusters: int | None = None  # cluster: how many behaviours the candidates showed
    extra_inputs: int = 0
    inputs_from: str = ""  # where the extra inputs came from, for the results
    behaviours: dict[int, Behaviour] | None = None  # cluster/majority: to rank any subset again (--curve)


def ranks(options: SimulateOptions) -> bool:
    """Whether this selection fixes its own order (cluster, majority, rerank)."""
    return options.select in RANKED or options.select.startswith("rerank:")


def _passes_examples(result: JudgeResult | None, n_examples: int) -> bool:
    if result is None or result.verdict == Verdict.COMPILATION_ERROR:
        return False
    if result.verdict == Verdict.OK:
        return True
    return result.failed_test is None or result.failed_test > n_examples


def rankings(
    contests: list[Contest],
    subs: list[Submission],
    verdicts: dict[SampleKey, JudgeResult],
    options: SimulateOptions,
    config: JudgeConfig,
    reporter: Reporter,
    agent: Agent | None = None,
) -> dict[tuple[str, str], Ranking]:
    """Per (contest, problem): the samples to submit, in order (`agent`: asked for extra inputs when
    options.extra_inputs_from is "agent")."""
    judge = Judge(config)
    if options.extra_inputs_from == "agent" and not isinstance(agent, InputWriter):
        raise SimulationError(
            f"--extra-inputs-from agent: agent {agent.spec if agent else None} cannot write test inputs "
            "(openai:MODEL can)"
        )
    by_problem: dict[tuple[str, str], list[Submission]] = {}
    for s in subs:
        if s.has_code:
            by_problem.setdefault((s.contest, s.problem), []).append(s)
    problems = [(c, p) for c in contests for p in c.problems]
    advance = reporter.task(f"selecting ({options.select})", len(problems))
    out = {}
    for c, p in problems:
        key = (c.id, p.index or "")
        candidates = sorted(by_problem.get(key, []), key=lambda s: s.sample)
        if options.select.startswith("rerank:"):
            out[key] = _rerank(options.select.removeprefix("rerank:"), c, p, candidates, options)
        else:
            passing = [
                s for s in candidates
                if _passes_examples(verdicts.get((s.contest, s.problem, s.sample)), len(p.tests.sample))
            ]  # fmt: skip
            task = to_judge_task(p)
            inputs, inputs_from = _extra_inputs(c, p, options, agent, judge, task, config)
            behaviours = _behaviours(judge, task, passing, inputs, config)
            ranked = by_behaviour(options.select, [s.sample for s in passing], behaviours, len(inputs))
            out[key] = Ranking(ranked.samples, ranked.clusters, len(inputs), inputs_from, behaviours)
        advance(1)
    return out


def _extra_inputs(
    contest: Contest,
    problem: Problem,
    options: SimulateOptions,
    agent: Agent | None,
    judge: Judge,
    task: JudgeTask,
    config: JudgeConfig,
) -> tuple[list[str], str]:
    """The inputs candidates are compared on, and where they came from. The agent's, when asked, kept only
    if the problem's input validator accepts them; with none left, mutated examples as without it."""
    if options.extra_inputs_from == "agent" and isinstance(agent, InputWriter):
        written = agent.write_inputs(contest, problem, options.extra_inputs)
        validator = problem.input_validator
        kept = written
        if validator is not None:
            kept = [
                t
                for t, ok in zip(written, accepted(judge, task, validator, written, config), strict=True)
                if ok
            ]
        checked = (
            f", {len(kept)} accepted by the input validator" if validator is not None else ", unvalidated"
        )
        if kept:
            return kept, f"agent: {len(written)} written{checked}"
        fallback = extra_inputs(problem, options.extra_inputs, options.seed)
        return fallback, f"examples mutated (agent: {len(written)} written{checked})"
    return extra_inputs(problem, options.extra_inputs, options.seed), "examples mutated"


def _behaviours(
    judge: Judge, task: JudgeTask, passing: list[Submission], inputs: list[str], config: JudgeConfig
) -> dict[int, Behaviour]:
    """Each candidate's behaviour; the same program sampled twice is run once."""
    seen: dict[tuple[str, str], Behaviour] = {}
    out = {}
    for s in passing:
        assert s.language is not None
        key = (s.language, s.source)
        if key not in seen:
            seen[key] = behaviour(judge, task, s.language, s.source, inputs, config)
        out[s.sample] = seen[key]
    return out


def by_behaviour(select: str, passing: list[int], behaviours: dict[int, Behaviour], n_inputs: int) -> Ranking:
    """Rank the samples `passing` (sample numbers) by their behaviours: clusters, or agreement."""
    behaviours = {n: behaviours[n] for n in passing}
    if select == "cluster":
        groups: dict[Behaviour, list[int]] = {}
        for n in sorted(passing):
            groups.setdefault(behaviours[n], []).append(n)
        ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
        return Ranking([g[0] for g in ordered], clusters=len(groups), extra_inputs=n_inputs)
    # majority: per input, how many other candidates printed the same; summed over the inputs.
    per_input = [Counter(b[i] for b in behaviours.values()) for i in range(n_inputs)]
    agreement = {
        sample: sum(per_input[i][b[i]] - 1 for i in range(n_inputs)) for sample, b in behaviours.items()
    }
    order = sorted(agreement, key=lambda sample: (-agreement[sample], sample))
    return Ranking(order, extra_inputs=n_inputs)


def _rerank(
    command: str, contest: Contest, problem: Problem, candidates: list[Submission], options: SimulateOptions
) -> Ranking:
    if not candidates:
        return Ranking([])
    payload = {
        "problem": problem_json(contest.id, problem, 0, candidates[0].language or ""),
        "candidates": [{"sample": s.sample, "language": s.language, "source": s.source} for s in candidates],
    }
    try:
        argv = shlex.split(command)
        proc = subprocess.run(
            argv, input=json.dumps(payload), capture_output=True, text=True, timeout=RERANK_TIMEOUT_S
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise SimulationError(f"--select rerank:{command}: {exc}") from None
    if proc.returncode != 0:
        tail = " ".join(proc.stderr.split())[-200:]
        raise SimulationError(f"--select rerank:{command}: exit {proc.returncode}: {tail}")
    try:
        answer = json.loads(proc.stdout)
        scores = answer["scores"] if isinstance(answer, dict) else answer
        values = [float(x) for x in scores]
    except (ValueError, KeyError, TypeError):
        raise SimulationError(
            f"--select rerank:{command}: expected a JSON list of {len(candidates)} scores, got "
            f"{proc.stdout[:100]!r}"
        ) from None
    if len(values) != len(candidates):
        raise SimulationError(
            f"--select rerank:{command}: {len(values)} scores for {len(candidates)} candidates"
        )
    order = sorted(range(len(candidates)), key=lambda i: (-values[i], candidates[i].sample))
    return Ranking([candidates[i].sample for i in order])
