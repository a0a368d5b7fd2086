"""Contest simulation end to end: agent -> judge -> rules -> placement -> rating, CI and percentile.

`simulate(contests, agent, options)` generates K samples per problem, judges every distinct
submission once (results cached beside the output file, so a rerun with the same `out` judges
nothing again and an interrupted run continues), plays each contest under its rules with the
chosen attempt policy and timing model, places the model among the rated humans of each contest,
and rates it with the chosen estimator (elo/). JUDGE_ERROR results (the judge's or the problem's
fault: a missing toolchain, a broken checker) are not cached, so a rerun after the fix judges them.

Attempt policy. Up to `attempts` (default K) submissions per problem, taken from the samples in
generation order (`generation-order`), or in `n_orders` random orders (`random-orders`: the rating
is the mean over the orders, its interval a bootstrap pooled over orders, contests and problems, and the
spread over orders is reported). Samples without a program are never submitted. With
`filter_samples` (the o1-ioi strategy), samples that fail the examples (compilation error or a
failure on a sample test) are not submitted either; `filter_counted` makes them use up the attempt
budget anyway, as if they had been submitted and seen to fail on the examples (no penalty: failing
the first test and compilation errors are not penalised, see contests.rules).

Contests without rated human standings are rated with the `difficulty` estimator from their
problems' difficulty ratings; if any selected contest lacks standings the whole aggregate is, and
the results say so.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from contests.agents import Agent, Request, Submission
from contests.contest import Contest
from contests.errors import ContestError, NotFoundError
from contests.passk import ProblemSamples, by_band, ks_for, pass_at_k
from contests.problem import Problem
from contests.results import (
    AttemptOut,
    AttemptPolicy,
    ContestOut,
    OrderSpreadOut,
    PercentileOut,
    ProblemOut,
    Results,
    WindowOut,
)
from contests.rules import (
    Attempt,
    Outcome,
    ProblemScore,
    RuleSet,
    counts_as_wrong,
    outcome,
    score_problem,
    total,
)
from contests.timing import HumanSolve, TimingModel, human_median_minute, minutes
from elo import estimators as est
from elo.percentile import DEFAULT_POPULATION, percentile
from elo.placement import Field as HumanField
from elo.placement import Placement, human_field, place
from elo.uncertainty import interval, spread
from judge.task import JudgeTask
from judge.verdict import JudgeResult, Verdict

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"


class SimulationError(ContestError):
    """The simulation cannot run as asked (bad option, missing data, unusable cache)."""


# -- options and progress ---------------------------------------------------------------------------


class SimulateOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    samples: int = Field(10, ge=1, description="samples generated per problem (K)")
    attempts: int | None = Field(None, ge=1, description="most submissions per problem (default K)")
    timing: TimingModel = TimingModel.HUMAN_MEDIAN
    estimator: est.EstimatorName = "cf-performance"
    population: str = DEFAULT_POPULATION
    policy: AttemptPolicy = "generation-order"
    n_orders: int = Field(100, ge=1, description="random-orders: how many orders")
    filter_samples: bool = False
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


class Reporter(Protocol):
    """Progress display: `task(description, total)` returns a callable that advances it by n."""

    def task(self, description: str, total: int) -> Callable[[int], None]: ...


class _Silent:
    def task(self, description: str, total: int) -> Callable[[int], None]:
        return lambda n: None


# -- contests ---------------------------------------------------------------------------------------


def bundled_names() -> list[str]:
    if not BUNDLED_DIR.is_dir():
        return []
    return sorted(p.name for p in BUNDLED_DIR.iterdir() if (p / "contest.yaml").is_file())


def resolve_contest(spec: str) -> Path:
    """A contest directory from a path or a bundled (or imported) contest's name."""
    path = Path(spec)
    if (path / "contest.yaml").is_file():
        return path.resolve()
    for base in (BUNDLED_DIR, _imported_dir()):
        if (base / spec / "contest.yaml").is_file():
            return (base / spec).resolve()
    known = ", ".join(bundled_names()) or "none"
    raise NotFoundError(
        f"contest {spec!r}: not a contest directory (no contest.yaml) nor a known name ({known})"
    )


def _imported_dir() -> Path:
    from contests.settings import Settings

    return Settings().contests_dir


def load_contest(spec: str) -> Contest:
    from contests.formats.native import read_contest

    return read_contest(resolve_contest(spec))


def in_window(contest: Contest, after: datetime | None, before: datetime | None) -> bool:
    if after is None and before is None:
        return True
    if contest.start_time is None:
        return False
    start = _aware(contest.start_time)
    if after is not None and start < _aware(after):
        return False
    return not (before is not None and start >= _aware(before))


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


# -- caches -----------------------------------------------------------------------------------------


def problem_hash(task: JudgeTask) -> str:
    """Content hash of everything that decides a verdict: limits, checker, interactor, test data."""
    h = hashlib.sha256()
    head = task.model_dump(mode="json", exclude={"tests", "id"})
    for key in ("checker", "interactor"):
        spec = head.get(key)
        if isinstance(spec, dict) and spec.get("source"):
            src = Path(spec["source"])
            spec["source"] = _path_digest(src)
            spec["include_dirs"] = []
    h.update(json.dumps(head, sort_keys=True).encode())
    for test in task.tests:
        h.update(f"|{test.index}|{test.group}|".encode())
        h.update(hashlib.sha256(test.input.read_bytes()).digest())
        h.update(hashlib.sha256(test.answer.read_bytes()).digest())
    return h.hexdigest()


def _path_digest(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"missing")
    return h.hexdigest()


def judge_key(problem_digest: str, language: str, source: str, run_all: bool) -> str:
    source_digest = hashlib.sha256(source.encode()).hexdigest()
    return hashlib.sha256(f"{problem_digest}|{language}|{source_digest}|{int(run_all)}".encode()).hexdigest()


class ResultsCache:
    """Judged results, one JSON line each (key, result), appended as they come: crash-safe and resumable."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.results: dict[str, JudgeResult] = {}
        if path is not None and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.results[record["key"]] = JudgeResult.model_validate(record["result"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that submission is judged again

    def get(self, key: str) -> JudgeResult | None:
        return self.results.get(key)

    def put(self, key: str, result: JudgeResult) -> None:
        with self.lock:
            self.results[key] = result
            if self.path is None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps({"key": key, "result": result.model_dump(mode="json")})
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def cache_dir_for(out: Path) -> Path:
    """Where the results cache of `out` lives: beside it."""
    return out.with_name(out.name + ".cache")


# -- one problem under the rules --------------------------------------------------------------------


@dataclass(frozen=True)
class SampleOutcome:
    sample: int
    has_code: bool
    verdict: str | None
    failed_test: int | None
    latency_s: float | None


@dataclass
class ProblemContext:
    problem: Problem
    rules: RuleSet
    duration: float
    pretests: int | None
    n_examples: int
    solves: list[HumanSolve]
    samples: list[SampleOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class Played:
    score: ProblemScore
    attempts: list[AttemptOut]
    minute_rule: str | None
    filtered: int


def fails_examples(s: SampleOutcome, n_examples: int) -> bool:
    if s.verdict == Verdict.COMPILATION_ERROR:
        return True
    return s.verdict not in (None, Verdict.OK) and s.failed_test is not None and s.failed_test <= n_examples


def play_problem(ctx: ProblemContext, order: Sequence[int], options: SimulateOptions) -> Played:
    """Submit the samples of one problem in `order` (positions in ctx.samples) and score the result."""
    budget = options.attempts or options.samples
    ordered = [ctx.samples[i] for i in order]
    submitted: list[int] = []  # positions in `ordered`
    used = filtered = 0
    for pos, s in enumerate(ordered):
        if used >= budget:
            break
        if not s.has_code:
            continue
        if options.filter_samples and fails_examples(s, ctx.n_examples):
            filtered += 1
            used += options.filter_counted
            continue
        submitted.append(pos)
        used += 1
    decisive: int | None = None
    wrong = 0
    for j, pos in enumerate(submitted):
        s = ordered[pos]
        what = outcome(Attempt(verdict=s.verdict or "", failed_test=s.failed_test, minute=0), ctx.pretests)
        if what is Outcome.REJECTED:
            wrong += counts_as_wrong(s.verdict or "", s.failed_test)
            continue
        decisive = j
        break
    latencies: list[float] = []
    if options.timing is TimingModel.LATENCY:
        for s in ordered:
            if s.latency_s is None:
                raise SimulationError(
                    f"timing latency: problem {ctx.problem.index} sample {s.sample} has no latency_s; "
                    "use another --timing or an agent that records latency"
                )
            latencies.append(s.latency_s)
    when = minutes(
        options.timing,
        duration=ctx.duration,
        submitted=submitted,
        budget=budget,
        decisive=decisive,
        wrong_before=wrong,
        latencies=latencies,
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


# -- the simulation ---------------------------------------------------------------------------------


@dataclass
class _ContestRun:
    contest: Contest
    problems: list[ProblemContext]
    field: HumanField | None


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


def _orders(run: _ContestRun, options: SimulateOptions) -> list[list[list[int]]]:
    """Per order, per problem: the positions of its samples in submission order."""
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


def _generate(
    runs: list[Contest], agent: Agent, options: SimulateOptions, reporter: Reporter, sub_cache: Path | None
) -> list[Submission]:
    """All submissions; a `command:` agent's are kept beside the output so a rerun does not regenerate."""
    cached: dict[tuple[str, str, int], Submission] = {}
    persist = sub_cache is not None and agent.spec.startswith("command:")
    if persist and sub_cache is not None and sub_cache.is_file():
        for line in sub_cache.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                if record["agent"] == agent.spec:
                    sub = Submission.model_validate(record["submission"])
                    cached[(sub.contest, sub.problem, sub.sample)] = sub
            except (ValueError, KeyError, TypeError):
                continue
    requests = [
        Request(c, p, s)
        for c in runs
        for p in c.problems
        for s in range(options.samples)
        if (c.id, p.index or "", s) not in cached
    ]
    advance = reporter.task(f"generating ({agent.spec})", len(requests))
    fresh = agent.generate(requests, advance) if requests else []
    if persist and sub_cache is not None and fresh:
        sub_cache.parent.mkdir(parents=True, exist_ok=True)
        with sub_cache.open("a", encoding="utf-8") as fh:
            for sub in fresh:
                if sub.error is None:
                    fh.write(
                        json.dumps({"agent": agent.spec, "submission": sub.model_dump(mode="json")}) + "\n"
                    )
    wanted = {(c.id, p.index or "") for c in runs for p in c.problems}
    subs = [
        s
        for s in [*cached.values(), *fresh]
        if (s.contest, s.problem) in wanted and s.sample < options.samples
    ]
    return sorted(subs, key=lambda s: (s.contest, s.problem, s.sample))


def _judge_all(
    runs: list[Contest],
    subs: list[Submission],
    options: SimulateOptions,
    cache: ResultsCache,
    reporter: Reporter,
) -> tuple[dict[tuple[str, str, int], JudgeResult], int, int]:
    from contests.problem_loader import to_judge_task
    from judge.batch import Submission as JudgeSubmission
    from judge.executors import make_executor

    tasks: dict[tuple[str, str], tuple[JudgeTask, str]] = {}
    for c in runs:
        for p in c.problems:
            task = to_judge_task(p)
            tasks[(c.id, p.index or "")] = (task, problem_hash(task))
    keys: dict[tuple[str, str, int], str] = {}
    todo: dict[str, tuple[JudgeTask, Submission]] = {}
    hits = 0
    for s in subs:
        if not s.has_code or s.language is None:
            continue
        task, digest = tasks[(s.contest, s.problem)]
        key = judge_key(digest, s.language, s.source, False)
        keys[(s.contest, s.problem, s.sample)] = key
        if cache.get(key) is not None:
            hits += 1
        elif key not in todo:
            todo[key] = (task, s)
        else:
            hits += 1  # the same program twice in this run is judged once
    advance = reporter.task("judging", len(todo))
    items = list(todo.items())

    def store(position: int, result: JudgeResult) -> None:
        # A JUDGE_ERROR is the judge's or the problem's failure (a missing toolchain, a broken checker):
        # kept for this run only, so that a rerun after the fix judges it again.
        key = items[position][0]
        if result.verdict is Verdict.JUDGE_ERROR:
            transient[key] = result
        else:
            cache.put(key, result)
        advance(1)

    transient: dict[str, JudgeResult] = {}
    if items:
        batch = [JudgeSubmission(task=task, source=s.source, language=s.language) for _, (task, s) in items]
        with make_executor(options.executor, ray_address=options.ray_address, jobs=options.jobs) as executor:
            executor.judge_many(batch, on_result=store)
    verdicts = {}
    for sample_key, key in keys.items():
        result = cache.get(key) or transient.get(key)
        assert result is not None
        verdicts[sample_key] = result
    return verdicts, len(todo), hits


def _per_contest_value(name: str, placement: Placement) -> float:
    if name == "expected-rank":
        return est.contest_expected_rank(placement)
    if name == "mle":
        return est.mle_point([placement])
    return est.contest_performance(placement)


def _per_contest_name(estimator: str, has_standings: bool) -> str:
    """Which estimator gives one contest's performance (replay has no per-contest value: cf-performance)."""
    if not has_standings or estimator == "difficulty":
        return "difficulty"
    return "cf-performance" if estimator == "replay" else estimator


def _difficulty_value(outcomes: Sequence[est.ProblemOutcomes], options: SimulateOptions) -> float:
    rating = est.difficulty(outcomes, n_boot=10, level=options.level, seed=options.seed).rating
    return math.inf if rating is None else rating


def _outcomes(run: _ContestRun, played: list[Played]) -> list[est.ProblemOutcomes]:
    """One entry per rated problem, so that the difficulty estimator's bootstrap resamples problems
    (a single contest would otherwise give a zero-width interval)."""
    return [
        est.ProblemOutcomes(np.array([ctx.problem.rating], float), np.array([p.score.solved], bool))
        for ctx, p in zip(run.problems, played, strict=True)
        if ctx.problem.rating is not None
    ]


def _finite_or_none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _spread_out(values: Sequence[float], name: str) -> OrderSpreadOut | None:
    if len(values) < 2 or not any(math.isfinite(v) for v in values):
        return None
    return OrderSpreadOut.model_validate(spread(values, name).model_dump(exclude={"estimator"}))


def simulate(
    contests: Sequence[Contest],
    agent: Agent,
    options: SimulateOptions | None = None,
    *,
    out: Path | None = None,
    reporter: Reporter | None = None,
) -> Results:
    """Run the simulation; with `out`, write the results there (and keep the caches beside it)."""
    options = options or SimulateOptions()
    reporter = reporter or _Silent()
    started = time.monotonic()
    from elo.percentile import population

    population(options.population)  # an unknown population fails before any work is done
    if options.filter_counted and not options.filter_samples:
        raise SimulationError("--filter-counted only makes sense with --filter-samples")
    selected = [c for c in contests if in_window(c, options.after, options.before)]
    excluded = [c.id for c in contests if c not in selected]
    if not selected:
        raise SimulationError(
            f"no contest left in the window after={options.after} before={options.before} "
            f"(excluded: {', '.join(excluded) or 'none'})"
        )
    ids = [c.id for c in selected]
    if len(set(ids)) != len(ids):
        raise SimulationError(
            f"contest given twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}"
        )
    cache_dir = cache_dir_for(out) if out is not None else None
    cache = ResultsCache(cache_dir / "judged.jsonl" if cache_dir else None)
    subs = _generate(
        selected, agent, options, reporter, cache_dir / "submissions.jsonl" if cache_dir else None
    )
    empty = [c.id for c in selected if not any(s.contest == c.id for s in subs)]
    if empty:
        raise SimulationError(
            f"agent {agent.spec} gave no submission for contest {', '.join(empty)} "
            "(a replay file must name the contest id of contest.yaml)"
        )
    verdicts, judged, hits = _judge_all(selected, subs, options, cache, reporter)

    runs: list[_ContestRun] = []
    for c in selected:
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
                )
            )
        runs.append(_ContestRun(c, _contexts(c, by_problem), _field(c)))

    # Play every order of every contest.
    orders = [_orders(run, options) for run in runs]
    n_orders = len(orders[0])
    played: list[list[list[Played]]] = []  # [contest][order][problem]
    for run, run_orders in zip(runs, orders, strict=True):
        played.append(
            [
                [play_problem(ctx, order, options) for ctx, order in zip(run.problems, per, strict=True)]
                for per in run_orders
            ]
        )

    use_difficulty = options.estimator == "difficulty" or any(run.field is None for run in runs)
    rating_note = ""
    if use_difficulty and options.estimator != "difficulty":
        missing = [run.contest.id for run in runs if run.field is None]
        rating_note = (
            f"no rated human standings for {', '.join(missing)}: rated with the difficulty estimator "
            "from the problems' difficulty ratings instead of " + options.estimator
        )
    estimator_name: est.EstimatorName = "difficulty" if use_difficulty else options.estimator

    placements: list[list[Placement | None]] = []  # [order][contest]
    outcomes: list[list[list[est.ProblemOutcomes]]] = []  # [order][contest][rated problem]
    rows = [[total([p.score for p in played[ci][o]]) for ci in range(len(runs))] for o in range(n_orders)]
    for o in range(n_orders):
        placements.append(
            [
                place(run.field, rows[o][ci].points, rows[o][ci].penalty) if run.field is not None else None
                for ci, run in enumerate(runs)
            ]
        )
        outcomes.append([_outcomes(run, played[ci][o]) for ci, run in enumerate(runs)])

    # Per-contest performance (per order).
    contest_values: list[list[float]] = []  # [contest][order]
    for ci in range(len(runs)):
        values = []
        for o in range(n_orders):
            pl = placements[o][ci]
            if pl is not None and options.estimator != "difficulty":
                values.append(_per_contest_value(options.estimator, pl))
            else:
                values.append(_difficulty_value(outcomes[o][ci], options))
        contest_values.append(values)

    # The aggregate rating with its interval.
    rating, ci_pair, se, note, order_spread = _aggregate(
        estimator_name, runs, played, placements, outcomes, options, n_orders
    )

    pct_out = None
    pct_value = None
    if rating is not None:
        pct = percentile(rating, options.population)
        pct_value = pct.percentile
        pct_out = PercentileOut(
            value=pct.percentile, low=pct.low, high=pct.high, label=pct.label(), title=pct.title,
            date=pct.date, source=pct.source, n=pct.n,
        )  # fmt: skip

    contests_out, samples_for_k = _contest_outputs(
        runs, played, placements, contest_values, estimator_name, options
    )
    ks = ks_for(options.samples)
    results = Results(
        cpelo_version=version("cpelo"),
        created_at=datetime.now(UTC),
        agent=agent.spec,
        estimator=estimator_name,
        estimator_note=note,
        requested_estimator=options.estimator,
        rated_by="difficulty" if use_difficulty else "standings",
        rating_note=rating_note,
        timing=str(options.timing),
        samples=options.samples,
        attempts_limit=options.attempts or options.samples,
        attempt_policy=options.policy,
        n_orders=n_orders,
        filter_samples=options.filter_samples,
        filter_counted=options.filter_counted,
        rating=rating,
        ci=list(ci_pair),
        ci_level=options.level,
        standard_error=se,
        order_spread=order_spread,
        percentile=pct_value,
        percentile_detail=pct_out,
        population=options.population,
        window=WindowOut(after=options.after, before=options.before, excluded=excluded),
        pass_at_k=by_band(samples_for_k, [k for k in ks if k <= options.samples]),
        judged=judged,
        judge_cache_hits=hits,
        wall_time_s=round(time.monotonic() - started, 3),
        contests=contests_out,
    )
    if out is not None:
        write_results(results, out)
    return results


def _aggregate(
    name: est.EstimatorName,
    runs: list[_ContestRun],
    played: list[list[list[Played]]],
    placements: list[list[Placement | None]],
    outcomes: list[list[list[est.ProblemOutcomes]]],
    options: SimulateOptions,
    n_orders: int,
) -> tuple[float | None, tuple[float | None, float | None], float | None, str, OrderSpreadOut | None]:
    """(rating, interval, standard error, estimator note, spread over orders).

    The rating is the estimator's (the mean over orders for random-orders). The interval is a
    percentile bootstrap that resamples the submission order, the contests, and the problems within
    each contest (so that a single contest still has an honest interval: resampling contests alone
    cannot vary it); for `difficulty` it resamples orders and rated problems.
    """
    n_boot, level, seed = options.n_boot, options.level, options.seed
    units = [[u for c in outcomes[o] for u in c] for o in range(n_orders)]
    se: float | None = None
    if n_orders == 1:
        if name == "difficulty":
            e = est.difficulty(units[0], n_boot=10, level=level, seed=seed)
        else:
            pls = [p for p in placements[0] if p is not None]
            e = est.estimate(name, pls, new_account=options.new_account, n_boot=10, level=level, seed=seed)
        rating, se = e.rating, e.standard_error
        note = e.note.split("; interval")[0]
        if e.n_unbounded:
            note += f"; {e.n_unbounded} contest(s) won outright left out"
        per_order: list[float] = [math.inf if rating is None else rating]
    else:
        if name == "difficulty":
            per_order = [_difficulty_value(units[o], options) for o in range(n_orders)]
        else:
            per_order = [
                est.point_estimate(
                    name, [p for p in placements[o] if p is not None], new_account=options.new_account
                )
                for o in range(n_orders)
            ]
        finite = [v for v in per_order if math.isfinite(v)]
        rating = statistics.fmean(finite) if finite else None
        note = f"{name}: mean over {n_orders} random submission orders"

    rng = np.random.default_rng(seed)
    boot: list[float] = []
    if name == "difficulty":
        n_units = len(units[0])
        for _ in range(min(n_boot, 400)):  # each draw is a MAP fit over the whole grid
            o = int(rng.integers(n_orders))
            boot.append(
                _difficulty_value([units[o][int(i)] for i in rng.integers(n_units, size=n_units)], options)
            )
        what = "problems"
    else:
        n_contests = len(runs)
        for _ in range(n_boot):
            o = int(rng.integers(n_orders))
            draw = []
            for ci in sorted(int(i) for i in rng.integers(n_contests, size=n_contests)):
                field = runs[ci].field
                if field is None:
                    continue
                scores = [p.score for p in played[ci][o]]
                pick: list[int] = (
                    [int(j) for j in rng.integers(len(scores), size=len(scores))] if scores else []
                )
                points = sum(scores[j].points for j in pick)
                penalty = sum(scores[j].penalty for j in pick)
                draw.append(place(field, points, penalty))
            if draw:
                boot.append(est.point_estimate(name, draw, new_account=options.new_account))
        what = "contests and problems within each contest"
    lo, hi = interval(boot, level) if boot else (math.nan, math.nan)
    note += f"; {level:.0%} interval: bootstrap over {'orders, ' if n_orders > 1 else ''}{what}"
    spread_out = _spread_out(per_order, name) if n_orders > 1 else None
    return rating, (_finite_or_none(lo), _finite_or_none(hi)), se, note, spread_out


def _contest_outputs(
    runs: list[_ContestRun],
    played: list[list[list[Played]]],
    placements: list[list[Placement | None]],
    contest_values: list[list[float]],
    estimator_name: str,
    options: SimulateOptions,
) -> tuple[list[ContestOut], list[ProblemSamples]]:
    out = []
    samples_for_k = []
    ks = ks_for(options.samples)
    for ci, run in enumerate(runs):
        values = contest_values[ci]
        finite = [v for v in values if math.isfinite(v)]
        if len(values) == 1:
            shown, perf = 0, _finite_or_none(values[0])
        else:
            perf = statistics.fmean(finite) if finite else None
            target = statistics.median(finite) if finite else math.inf
            shown = min(range(len(values)), key=lambda o: abs(values[o] - target) if finite else 0)
        pl = placements[shown][ci]
        per_problem = played[ci][shown]
        problems_out = []
        for ctx, p in zip(run.problems, per_problem, strict=True):
            n = len(ctx.samples)
            c = sum(1 for s in ctx.samples if s.verdict == Verdict.OK)
            samples_for_k.append(ProblemSamples(ctx.problem.index or "", ctx.problem.rating, n, c))
            problems_out.append(
                ProblemOut(
                    index=ctx.problem.index or "",
                    name=ctx.problem.name,
                    rating=ctx.problem.rating,
                    max_points=ctx.problem.points,
                    solved=p.score.solved,
                    points=round(p.score.points, 6),
                    penalty=p.score.penalty,
                    wrong=p.score.wrong,
                    minute=p.score.minute,
                    minute_rule=p.minute_rule,
                    samples=n,
                    accepted_samples=c,
                    without_code=sum(1 for s in ctx.samples if not s.has_code),
                    filtered=p.filtered,
                    pass_at_k={f"pass@{k}": round(pass_at_k(n, c, k), 6) for k in ks if k <= n},
                    attempts=p.attempts,
                )
            )
        row = total([p.score for p in per_problem])
        standings = run.contest.standings
        out.append(
            ContestOut(
                id=run.contest.id,
                name=run.contest.name,
                rules=run.contest.rules.value,
                start_time=run.contest.start_time,
                duration_minutes=run.contest.duration_minutes,
                rated_by="difficulty"
                if run.field is None or options.estimator == "difficulty"
                else "standings",
                synthetic_standings=standings.synthetic if standings is not None else None,
                rank=pl.rank if pl is not None else None,
                display_rank=pl.better + 1 if pl is not None else None,
                participants=len(pl.field.ratings) + 1 if pl is not None else None,
                performance=perf,
                performance_estimator=_per_contest_name(options.estimator, run.field is not None),
                solved=sum(1 for p in per_problem if p.score.solved),
                points=round(row.points, 6),
                penalty=row.penalty,
                order_spread=_spread_out(values, estimator_name) if len(values) > 1 else None,
                problems=problems_out,
            )
        )
    return out, samples_for_k


def write_results(results: Results, out: Path) -> None:
    """Write atomically: a crash never leaves a half-written results file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(results.model_dump_json(indent=2))
        fh.write("\n")
    os.replace(tmp, out)
