"""Playing a contest under its rules: which samples are submitted, in which order, at which minute.

Attempt policy. Up to `attempts` (default K) submissions per problem, taken from the samples in
generation order (`generation-order`), or in `n_orders` random orders (`random-orders`). Samples
without a program are never submitted. With `filter_samples` (the o1-ioi strategy), samples that fail
the examples (compilation error or a failure on a sample test) are not submitted either;
`filter_counted` makes them use up the attempt budget anyway, as if they had been submitted and seen
to fail on the examples (no penalty: failing the first test and compilation errors are not penalised,
see contests.rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from contests.agents import Submission
from contests.app.simulation.errors import SimulationError
from contests.app.simulation.generate import SampleKey
from contests.app.simulation.options import SimulateOptions
from contests.app.simulation.results import AttemptOut
from contests.app.simulation.timing import HumanSolve, TimingModel, human_median_minute, minutes
from contests.contest import Contest
from contests.problem import Problem
from contests.rules import (
    Attempt,
    Outcome,
    ProblemScore,
    RuleSet,
    counts_as_wrong,
    outcome,
    score_problem,
)
from elo.placement import Field as HumanField
from elo.placement import human_field
from judge.verdict import JudgeResult, Verdict


@dataclass(frozen=True)
class SampleOutcome:
    sample: int
    has_code: bool
    verdict: str | None
    failed_test: int | None
    latency_s: float | None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    no_program: str | None = None


@dataclass
class ProblemContext:
    problem: Problem
    rules: RuleSet
    duration: float
    pretests: int | None
    n_examples: int
    solves: list[HumanSolve]
    samples: list[SampleOutcome] = field(default_factory=list)
    ranking: list[int] | None = None  # cluster/majority/rerank: sample numbers to submit, in order
    clusters: int | None = None
    behaviours: dict[int, tuple[str, ...]] | None = None  # cluster/majority: per sample, for --curve


@dataclass(frozen=True)
class Played:
    score: ProblemScore
    attempts: list[AttemptOut]
    minute_rule: str | None
    filtered: int


@dataclass
class ContestRun:
    """One contest ready to play: its problems with their samples' verdicts, and the human field."""

    contest: Contest
    problems: list[ProblemContext]
    field: HumanField | None


def fails_examples(s: SampleOutcome, n_examples: int) -> bool:
    if s.verdict == Verdict.COMPILATION_ERROR:
        return True
    return s.verdict not in (None, Verdict.OK) and s.failed_test is not None and s.failed_test <= n_examples


def play_problem(ctx: ProblemContext, order: Sequence[int], options: SimulateOptions) -> Played:
    """Submit the samples of one problem in `order` (positions in ctx.samples) and score the result."""
    ordered = [ctx.samples[i] for i in order]
    submitted, filtered = _submitted(ordered, ctx.n_examples, options)
    decisive, wrong = _decisive(ordered, submitted, ctx.pretests)
    when = minutes(
        options.timing,
        duration=ctx.duration,
        submitted=submitted,
        budget=options.budget,
        decisive=decisive,
        wrong_before=wrong,
        latencies=_latencies(ctx, ordered, options),
        solves=ctx.solves,
    )
    attempts = [
        Attempt(verdict=ordered[pos].verdict or "", failed_test=ordered[pos].failed_test, minute=m)
        for pos, m in zip(submitted, when, strict=True)
    ]
    score = score_problem(
        attempts, rules=ctx.rules, duration=ctx.duration, points=ctx.problem.points, pretests=ctx.pretests
    )
    rule = None
    if options.timing is TimingModel.HUMAN_MEDIAN and decisive is not None:
        rule = human_median_minute(ctx.solves, wrong, ctx.duration)[1]
    out = [
        AttemptOut(
            sample=ordered[pos].sample,
            verdict=a.verdict,
            failed_test=a.failed_test,
            minute=round(a.minute, 3),
            outcome=str(o),
            counted=o is Outcome.REJECTED and counts_as_wrong(a.verdict, a.failed_test),
        )
        for pos, a, o in zip(submitted, attempts, score.outcomes, strict=True)
    ]
    return Played(score, out, rule, filtered)


def _submitted(
    ordered: list[SampleOutcome], n_examples: int, options: SimulateOptions
) -> tuple[list[int], int]:
    """(positions in `ordered` of the samples submitted, how many were filtered out)."""
    submitted: list[int] = []
    used = filtered = 0
    for pos, s in enumerate(ordered):
        if used >= options.budget:
            break
        if not s.has_code:
            continue
        if options.filter_samples and fails_examples(s, n_examples):
            filtered += 1
            used += options.filter_counted
            continue
        submitted.append(pos)
        used += 1
    return submitted, filtered


def _decisive(
    ordered: list[SampleOutcome], submitted: list[int], pretests: int | None
) -> tuple[int | None, int]:
    """(index in `submitted` of the first attempt accepted or passing pretests, counted wrong before it)."""
    wrong = 0
    for j, pos in enumerate(submitted):
        s = ordered[pos]
        what = outcome(Attempt(verdict=s.verdict or "", failed_test=s.failed_test, minute=0), pretests)
        if what is Outcome.REJECTED:
            wrong += counts_as_wrong(s.verdict or "", s.failed_test)
            continue
        return j, wrong
    return None, wrong


def _latencies(ctx: ProblemContext, ordered: list[SampleOutcome], options: SimulateOptions) -> list[float]:
    if options.timing is not TimingModel.LATENCY:
        return []
    latencies = []
    for s in ordered:
        if s.latency_s is None:
            raise SimulationError(
                f"timing latency: problem {ctx.problem.index} sample {s.sample} has no latency_s; "
                "use another --timing or an agent that records latency"
            )
        latencies.append(s.latency_s)
    return latencies


def contest_runs(
    contests: list[Contest],
    subs: list[Submission],
    verdicts: dict[SampleKey, JudgeResult],
    rankings: dict[tuple[str, str], tuple[list[int], int | None, dict[int, tuple[str, ...]] | None]]
    | None = None,
) -> list[ContestRun]:
    """Every contest with its samples' outcomes, problem by problem, and its human field."""
    runs = []
    for c in contests:
        by_problem: dict[str, list[SampleOutcome]] = {}
        for s in subs:
            if s.contest != c.id:
                continue
            r = verdicts.get((s.contest, s.problem, s.sample))
            by_problem.setdefault(s.problem, []).append(
                SampleOutcome(
                    sample=s.sample,
                    has_code=s.has_code,
                    verdict=str(r.verdict) if r is not None else None,
                    failed_test=r.failed_test if r is not None else None,
                    latency_s=s.latency_s,
                    prompt_tokens=s.prompt_tokens,
                    completion_tokens=s.tokens,
                    reasoning_tokens=s.reasoning_tokens,
                    no_program=None if s.has_code else (s.error or "empty program"),
                )
            )
        contexts = _contexts(c, by_problem)
        for ctx in contexts:
            ranked = (rankings or {}).get((c.id, ctx.problem.index or ""))
            if ranked is not None:
                ctx.ranking, ctx.clusters, ctx.behaviours = ranked
        runs.append(ContestRun(c, contexts, _field(c)))
    return runs


def _contexts(contest: Contest, by_problem: dict[str, list[SampleOutcome]]) -> list[ProblemContext]:
    rules = RuleSet(contest.rules.value)
    out = []
    for problem in contest.problems:
        index = problem.index or ""
        solves: list[HumanSolve] = []
        if contest.standings is not None:
            for row in contest.standings.rows:
                res = row.problems.get(index)
                if res is not None and res.minute is not None:
                    solves.append(HumanSolve(res.rejected, res.minute))
        tests = problem.tests
        pretests = len(tests.sample) + len(tests.pretest) if tests.pretest else None
        if rules is RuleSet.CF and problem.points is None:
            raise SimulationError(f"contest {contest.id}: problem {index} has no points (cf rules need them)")
        out.append(
            ProblemContext(
                problem=problem,
                rules=rules,
                duration=float(contest.duration_minutes),
                pretests=pretests,
                n_examples=len(tests.sample),
                solves=solves,
                samples=sorted(by_problem.get(index, []), key=lambda s: s.sample),
            )
        )
    return out


def _field(contest: Contest) -> HumanField | None:
    if contest.standings is None:
        return None
    rated = contest.standings.rated()
    if not rated:
        return None
    return human_field(
        np.array([r.points for r in rated], float),
        np.array([r.penalty for r in rated], float),
        np.array([r.old_rating for r in rated], np.int64),
    )


def orders(run: ContestRun, options: SimulateOptions) -> list[list[list[int]]]:
    """Per order, per problem: the positions of its samples in submission order."""
    if all(p.ranking is not None for p in run.problems):
        position = [{s.sample: i for i, s in enumerate(p.samples)} for p in run.problems]
        return [[[pos[n] for n in p.ranking or []] for p, pos in zip(run.problems, position, strict=True)]]
    if options.policy == "generation-order":
        return [[list(range(len(p.samples))) for p in run.problems]]
    out = []
    for o in range(options.n_orders):
        per = []
        for p in run.problems:
            digest = hashlib.sha256(
                f"{options.seed}|{run.contest.id}|{p.problem.index}|{o}".encode()
            ).digest()
            rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
            per.append([int(i) for i in rng.permutation(len(p.samples))])
        out.append(per)
    return out


def play_all(runs: list[ContestRun], options: SimulateOptions) -> list[list[list[Played]]]:
    """Every order of every contest played: [contest][order][problem]."""
    return [
        [
            [play_problem(ctx, order, options) for ctx, order in zip(run.problems, per, strict=True)]
            for per in orders(run, options)
        ]
        for run in runs
    ]
