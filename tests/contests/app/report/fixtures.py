"""Results built from the pydantic results models directly (no judge needed), for the report tests."""

from __future__ import annotations

from datetime import UTC, datetime

from contests.app.simulation.results import (
    AttemptOut,
    ContestOut,
    PercentileOut,
    ProblemOut,
    Results,
    WindowOut,
)
from elo.percentile import percentile
from elo.uncertainty import Spread


def attempt(verdict: str, minute: float, test: int | None = None, outcome: str = "rejected") -> AttemptOut:
    return AttemptOut(
        sample=0,
        verdict=verdict,
        failed_test=test,
        minute=minute,
        outcome="accepted" if verdict == "OK" and outcome == "rejected" else outcome,
        counted=verdict not in ("OK", "COMPILATION_ERROR") and (test or 0) > 1,
    )


def problem(
    index: str,
    rating: int | None,
    attempts: list[AttemptOut],
    samples: int = 4,
    accepted: int = 0,
    points: float = 0.0,
    max_points: float | None = None,
) -> ProblemOut:
    solved = any(a.outcome == "accepted" for a in attempts)
    from contests.app.simulation.passk import ks_for, pass_at_k

    return ProblemOut(
        index=index,
        name=f"Problem {index} | with a pipe",
        rating=rating,
        max_points=max_points,
        solved=solved,
        points=points if solved else 0.0,
        penalty=0,
        wrong=sum(a.counted for a in attempts if a.outcome != "accepted"),
        minute=next((a.minute for a in attempts if a.outcome == "accepted"), None),
        samples=samples,
        accepted_samples=accepted,
        pass_at_k={f"pass@{k}": pass_at_k(samples, accepted, k) for k in ks_for(samples)},
        attempts=attempts,
    )


def cf_contest(cid: str, day: int, performance: float | None, rank: int) -> ContestOut:
    problems = [
        problem("A", 800, [attempt("OK", 4)], accepted=4, points=492, max_points=500),
        problem(
            "B",
            1200,
            [attempt("WRONG_ANSWER", 9, 3), attempt("OK", 15), attempt("OK", 120, outcome="ignored")],
            accepted=2,
            points=890,
            max_points=1000,
        ),
        problem("C", 1700, [attempt("TIME_LIMIT_EXCEEDED", 120, 7)], accepted=0, max_points=1500),
        problem("D", 2300, [], accepted=0, max_points=2000),
    ]
    return ContestOut(
        id=cid,
        name=f"Round {cid}",
        rules="cf",
        start_time=datetime(2025, 3, day, 14, 35, tzinfo=UTC),
        duration_minutes=120,
        rated_by="standings",
        synthetic_standings=False,
        rank=rank,
        display_rank=rank,
        participants=9000,
        performance=performance,
        performance_estimator="cf-performance",
        solved=2,
        points=1382,
        penalty=0,
        problems=problems,
    )


def icpc_contest(cid: str, day: int, performance: float | None, rank: int) -> ContestOut:
    problems = [
        problem("A", 900, [attempt("OK", 11)], accepted=3),
        problem("B", 1500, [attempt("COMPILATION_ERROR", 20), attempt("RUNTIME_ERROR", 30, 4)], accepted=0),
        problem("C", 1900, [attempt("WRONG_ANSWER", 40, 2), attempt("OK", 55)], accepted=1),
    ]
    problems[2] = problems[2].model_copy(update={"penalty": 65})
    problems[0] = problems[0].model_copy(update={"penalty": 11})
    return ContestOut(
        id=cid,
        name=f"Educational {cid}",
        rules="icpc",
        start_time=datetime(2025, 3, day, 14, 35, tzinfo=UTC),
        duration_minutes=120,
        rated_by="standings",
        synthetic_standings=True,
        rank=rank,
        display_rank=rank - 3,
        participants=12000,
        performance=performance,
        performance_estimator="cf-performance",
        solved=2,
        points=2,
        penalty=76,
        order_spread=Spread(
            estimator="cf-performance",
            n_orders=20,
            n_unbounded=0,
            mean=1500,
            sd=40,
            min=1400,
            p05=1420,
            median=1500,
            p95=1580,
            max=1600,
        ),
        problems=problems,
    )


def make_results(
    agent: str = "model-a",
    rating: float | None = 1650.0,
    ci: tuple[float | None, float | None] = (1500.0, 1800.0),
    timing: str = "human-median",
    samples: int = 4,
    population: str = "cf-all-rated-2025",
) -> Results:
    contests = [cf_contest("2001", 2, 1600.0, 2100), icpc_contest("2002", 9, 1700.0, 1500)]
    detail = None
    pct = None
    if rating is not None:
        p = percentile(rating, population)
        pct = p.percentile
        detail = PercentileOut(
            value=p.percentile,
            low=p.low,
            high=p.high,
            label=p.label(),
            title=p.title,
            date=p.date,
            source=p.source,
            n=p.n,
        )
    return Results(
        cpelo_version="0.1.0",
        created_at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
        agent=agent,
        estimator="cf-performance",
        estimator_note="mean of per-contest performances",
        requested_estimator="cf-performance",
        rated_by="standings",
        timing=timing,
        samples=samples,
        attempts_limit=samples,
        attempt_policy="generation-order",
        n_orders=1,
        filter_samples=False,
        filter_counted=False,
        rating=rating,
        ci=list(ci),
        ci_level=0.95,
        percentile=pct,
        percentile_detail=detail,
        population=population,
        window=WindowOut(after=datetime(2025, 1, 1, tzinfo=UTC), excluded=["1999"]),
        pass_at_k={
            "800-1199": {"problems": 2.0, "pass@1": 1.0, "pass@4": 1.0},
            "1200-1599": {"problems": 2.0, "pass@1": 0.25, "pass@4": 0.5},
            "1600-1999": {"problems": 2.0, "pass@1": 0.125, "pass@4": 0.5},
            "2000-2399": {"problems": 1.0, "pass@1": 0.0, "pass@4": 0.0},
        },
        judged=30,
        judge_cache_hits=2,
        wall_time_s=12.5,
        contests=contests,
    )
