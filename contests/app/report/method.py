"""'How this number was obtained': the choices behind a rating, written out from the results file.

Published ratings are incomparable mostly through these choices (estimator, timing model, population,
attempt policy, samples, contest window), so each is stated, and with several models the ones that
differ are marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contests.app.report.model import Entry, percentile_text, plural
from contests.app.simulation.results import Results

TIMING_MODELS = {
    "zero": "every attempt at minute 0 (CodeElo)",
    "human-median": (
        "the accepted attempt at the median minute of the humans who solved the problem with as many "
        "wrong attempts (OpenAI o1)"
    ),
    "alphacode": "attempts in three batches at 10%, 50% and 90% of the contest (AlphaCode)",
    "latency": "the agent's real generation time",
}

ATTEMPT_POLICIES = {
    "generation-order": "samples submitted in the order they were generated",
    "random-orders": "the mean over random submission orders of the samples",
}


@dataclass(frozen=True)
class MethodRow:
    aspect: str
    text: str


def _judge(r: Results) -> str:
    return (
        f"cpelo {r.cpelo_version} judge: {r.judged} submissions judged in this run, "
        f"{r.judge_cache_hits} verdicts reused from the results cache"
    )


def _limits(r: Results) -> str:
    return (
        "each problem's own time and memory limits; time is CPU time of the whole process tree "
        "(the results file does not record the limits' values)"
    )


def _sandbox(r: Results) -> str:
    return (
        "cpelo sandbox, one process tree per run under the limits (backend not recorded in the results file)"
    )


def _estimator(r: Results) -> str:
    text = r.estimator + (f": {r.estimator_note}" if r.estimator_note else "")
    if r.requested_estimator != r.estimator:
        text += f" (asked for {r.requested_estimator})"
    if r.rating_note:
        text += f"; {r.rating_note}"
    if r.estimator_bias is not None:
        text += f"; measured bias at this rating {r.estimator_bias:+.0f} (synthetic Elo-model contests)"
    return text


def _interval(r: Results) -> str:
    text = f"{r.ci_level:.0%} confidence interval"
    if r.standard_error is not None:
        text += f", standard error {r.standard_error:.0f}"
    if r.order_spread is not None:
        s = r.order_spread
        text += (
            f"; over {s.n_orders} submission orders: mean {s.mean:.0f}, sd {s.sd:.0f}, "
            f"5–95% {s.p05:.0f}–{s.p95:.0f}"
        )
    return text


def _rated_by(r: Results) -> str:
    if r.rated_by == "difficulty":
        return "problem difficulty ratings (no human standings)"
    synthetic = [c.id for c in r.contests if c.synthetic_standings]
    text = "placement among the rated human participants of each contest"
    performances = sorted({c.performance_estimator for c in r.contests})
    text += f" (per-contest performance: {', '.join(performances)})"
    if synthetic:
        text += f"; synthetic human standings in {', '.join(synthetic)}"
    return text


def _timing(r: Results) -> str:
    explanation = TIMING_MODELS.get(r.timing)
    return f"{r.timing}: {explanation}" if explanation else r.timing


def _attempts(r: Results) -> str:
    text = f"{r.attempt_policy}: {ATTEMPT_POLICIES.get(r.attempt_policy, r.attempt_policy)}"
    if r.attempt_policy == "random-orders":
        text += f" ({r.n_orders} orders)"
    text += f"; at most {plural(r.attempts_limit, 'submission')} per problem"
    if r.filter_samples:
        text += "; samples failing the examples not submitted" + (
            " but counted against the budget" if r.filter_counted else ""
        )
    return text


def _protocol(r: Results) -> str:
    if r.protocol is None:
        return "none (settings chosen one by one)"
    fixed = ", ".join(f"{k} = {v}" for k, v in r.protocol.settings.items())
    return f"{r.protocol.name}, after {r.protocol.citation}; fixed: {fixed}"


def _selection(r: Results) -> str:
    clusters = [p.clusters for c in r.contests for p in c.problems if p.clusters is not None]
    text = r.select
    if clusters:
        text += f" ({sum(clusters) / len(clusters):.1f} clusters per problem on average)"
    return text


def _usage(r: Results) -> str:
    u = r.usage
    if u is None:
        return "not recorded"
    text = (
        f"{u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion tokens ({u.reasoning_tokens:,} "
        f"reasoning) over {u.samples} samples; {u.without_program} without a program"
    )
    if r.cost is not None:
        text += f"; cost ${r.cost.usd:.4f} at ${r.cost.price_in:g}/${r.cost.price_out:g} per million tokens"
    return text


def _population(r: Results) -> str:
    d = r.percentile_detail
    if d is None:
        return f"{r.population} (no percentile: the rating is unbounded)"
    return f"{d.title} ({r.population}), dated {d.date}, n = {d.n:,}; source: {d.source}"


def _window(r: Results) -> str:
    w = r.window
    if w.after is None and w.before is None:
        text = "all contests given"
    else:
        parts = []
        if w.after is not None:
            parts.append(f"starting on or after {w.after:%Y-%m-%d %H:%M}")
        if w.before is not None:
            parts.append(f"starting before {w.before:%Y-%m-%d %H:%M}")
        text = "contests " + " and ".join(parts)
    if w.excluded:
        text += f"; left out: {', '.join(w.excluded)}"
    return text


def _contests(r: Results) -> str:
    ids = ", ".join(c.id for c in r.contests)
    problems = sum(len(c.problems) for c in r.contests)
    return f"{len(r.contests)} ({ids}), {problems} problems"


def _run(r: Results) -> str:
    return f"{r.created_at:%Y-%m-%d %H:%M} UTC, {r.wall_time_s:.1f} s wall time, agent {r.agent}"


ASPECTS = (
    ("Judge", _judge),
    ("Limits", _limits),
    ("Sandbox", _sandbox),
    ("Estimator", _estimator),
    ("Interval", _interval),
    ("Rated by", _rated_by),
    ("Protocol", _protocol),
    ("Timing model", _timing),
    ("Selection", _selection),
    ("Attempt policy", _attempts),
    ("Samples per problem", lambda r: f"{r.samples} (n of pass@k)"),
    ("Population", _population),
    ("Percentile", percentile_text),
    ("Contest window", _window),
    ("Contests", _contests),
    ("Usage", _usage),
    ("Run", _run),
)


def method_rows(results: Results) -> list[MethodRow]:
    """The choices behind one results file, in reading order."""
    return [MethodRow(aspect, text(results)) for aspect, text in ASPECTS]


@dataclass(frozen=True)
class MethodComparison:
    aspect: str
    texts: list[str]  # one per entry
    differs: bool


# These change with every run and say nothing about comparability.
_NOT_COMPARED = {"Judge", "Run", "Percentile", "Interval", "Usage"}


def method_comparison(entries: Sequence[Entry]) -> list[MethodComparison]:
    """The method side by side for several models, marking the choices that differ."""
    rows = []
    for aspect, text in ASPECTS:
        texts = [text(e.results) for e in entries]
        rows.append(MethodComparison(aspect, texts, aspect not in _NOT_COMPARED and len(set(texts)) > 1))
    return rows
