"""The results document: per-contest and per-problem outputs, the whole `Results`, and its atomic write."""

from __future__ import annotations

import math
import os
import statistics
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from contests.app.simulation.aggregate import Rated, finite_or_none, per_contest_name, spread_over_orders
from contests.app.simulation.options import SimulateOptions
from contests.app.simulation.passk import ProblemSamples, by_band, ks_for, pass_at_k
from contests.app.simulation.play import ContestRun, Played, ProblemContext
from contests.app.simulation.protocols import PROTOCOLS
from contests.app.simulation.results import (
    ContestOut,
    CostOut,
    PercentileOut,
    ProblemOut,
    ProtocolOut,
    Results,
    RunOut,
    SampleOut,
    UsageOut,
    WindowOut,
)
from contests.rules import total
from elo.estimators import measured_bias
from elo.percentile import percentile
from judge.verdict import Verdict


def build_results(
    *,
    agent: str,
    runs: list[ContestRun],
    played: list[list[list[Played]]],
    rated: Rated,
    options: SimulateOptions,
    excluded: list[str],
    judged: int,
    hits: int,
    wall_time_s: float,
    run_info: RunOut | None = None,
) -> Results:
    contests_out, samples_for_k = contest_outputs(runs, played, rated, options)
    usage = usage_of(contests_out)
    ks = ks_for(options.samples)
    pct_value, pct_out = _percentile(rated.rating, options.population)
    lo_hi = list(rated.ci)
    return Results(
        cpelo_version=version("cpelo"),
        created_at=datetime.now(UTC),
        agent=agent,
        estimator=rated.estimator,
        estimator_note=rated.note,
        estimator_bias=measured_bias(rated.estimator, rated.rating),
        requested_estimator=options.estimator,
        rated_by="difficulty" if rated.use_difficulty else "standings",
        rating_note=rated.rating_note,
        timing=str(options.timing),
        samples=options.samples,
        attempts_limit=options.budget,
        attempt_policy=options.policy,
        select=options.select,
        time_scale=options.time_scale,
        n_orders=len(rated.placements),
        filter_samples=options.filter_samples,
        filter_counted=options.filter_counted,
        rating=rated.rating,
        below_field=all(c.solved == 0 for c in contests_out),
        ci=lo_hi,
        ci_level=options.level,
        standard_error=rated.standard_error,
        order_spread=rated.order_spread,
        percentile=pct_value,
        percentile_detail=pct_out,
        population=options.population,
        window=WindowOut(after=options.after, before=options.before, excluded=excluded),
        pass_at_k=by_band(samples_for_k, [k for k in ks if k <= options.samples]),
        judged=judged,
        judge_cache_hits=hits,
        wall_time_s=wall_time_s,
        run=run_info,
        usage=usage,
        cost=cost_of(usage, options),
        protocol=_protocol(options),
        contests=contests_out,
    )


def _protocol(options: SimulateOptions) -> ProtocolOut | None:
    if options.protocol is None:
        return None
    p = PROTOCOLS[options.protocol]
    settings = {**p.settings, "samples": options.samples}
    return ProtocolOut(name=p.name, citation=p.citation, settings=settings)


def usage_of(contests: list[ContestOut]) -> UsageOut:
    samples = [s for c in contests for p in c.problems for s in p.sample_details]
    return UsageOut(
        prompt_tokens=sum(s.prompt_tokens or 0 for s in samples),
        completion_tokens=sum(s.completion_tokens or 0 for s in samples),
        reasoning_tokens=sum(s.reasoning_tokens or 0 for s in samples),
        samples=len(samples),
        without_program=sum(1 for s in samples if s.no_program is not None),
        latency_s=round(sum(s.latency_s or 0.0 for s in samples), 3),
    )


def cost_of(usage: UsageOut, options: SimulateOptions) -> CostOut | None:
    if options.price_in is None and options.price_out is None:
        return None
    price_in, price_out = options.price_in or 0.0, options.price_out or 0.0
    usd = (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1e6
    return CostOut(price_in=price_in, price_out=price_out, usd=round(usd, 6))


def _percentile(rating: float | None, population: str) -> tuple[float | None, PercentileOut | None]:
    if rating is None:
        return None, None
    pct = percentile(rating, population)
    out = PercentileOut(
        value=pct.percentile, low=pct.low, high=pct.high, label=pct.label(), title=pct.title,
        date=pct.date, source=pct.source, n=pct.n,
    )  # fmt: skip
    return pct.percentile, out


def contest_outputs(
    runs: list[ContestRun], played: list[list[list[Played]]], rated: Rated, options: SimulateOptions
) -> tuple[list[ContestOut], list[ProblemSamples]]:
    """Per contest, the order shown (the one nearest the median performance) and its problems."""
    out = []
    samples_for_k = []
    for ci, run in enumerate(runs):
        values = rated.contest_values[ci]
        finite = [v for v in values if math.isfinite(v)]
        if len(values) == 1:
            shown, perf = 0, finite_or_none(values[0])
        else:
            perf = statistics.fmean(finite) if finite else None
            target = statistics.median(finite) if finite else math.inf
            shown = min(range(len(values)), key=lambda o: abs(values[o] - target) if finite else 0)
        pl = rated.placements[shown][ci]
        per_problem = played[ci][shown]
        problems_out = []
        for ctx, p in zip(run.problems, per_problem, strict=True):
            problem_out, samples = _problem_output(ctx, p, options)
            problems_out.append(problem_out)
            samples_for_k.append(samples)
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
                performance_estimator=per_contest_name(options.estimator, run.field is not None),
                solved=sum(1 for p in per_problem if p.score.solved),
                points=round(row.points, 6),
                penalty=row.penalty,
                order_spread=spread_over_orders(values, rated.estimator) if len(values) > 1 else None,
                problems=problems_out,
            )
        )
    return out, samples_for_k


def _problem_output(
    ctx: ProblemContext, p: Played, options: SimulateOptions
) -> tuple[ProblemOut, ProblemSamples]:
    n = len(ctx.samples)
    c = sum(1 for s in ctx.samples if s.verdict == Verdict.OK)
    ks = ks_for(options.samples)
    out = ProblemOut(
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
        clusters=ctx.clusters,
        time_limit_s=(
            None if ctx.problem.time_limit is None else round(ctx.problem.time_limit * options.time_scale, 6)
        ),
        memory_limit_mb=ctx.problem.memory_limit_mb,
        attempts=p.attempts,
        sample_details=[
            SampleOut(
                sample=s.sample,
                verdict=s.verdict,
                prompt_tokens=s.prompt_tokens,
                completion_tokens=s.completion_tokens,
                reasoning_tokens=s.reasoning_tokens,
                latency_s=None if s.latency_s is None else round(s.latency_s, 3),
                no_program=s.no_program,
            )
            for s in ctx.samples
        ],
    )
    return out, ProblemSamples(ctx.problem.index or "", ctx.problem.rating, n, c)


def write_results(results: Results, out: Path) -> None:
    """Write atomically: a crash never leaves a half-written results file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(results.model_dump_json(indent=2))
        fh.write("\n")
    os.replace(tmp, out)
