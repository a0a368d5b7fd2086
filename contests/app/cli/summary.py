"""What `cpelo simulate` and `cpelo demo` print: progress bars on stderr and the rating tables."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contests.app.simulation.results import ContestOut, Results, verdict_short


class RichReporter:
    """Progress bars on stderr, one per stage."""

    def __init__(self, progress: object) -> None:
        self.progress = progress

    def task(self, description: str, total: int) -> Callable[[int], None]:
        assert isinstance(self.progress, Progress)
        progress = self.progress
        task_id = progress.add_task(description, total=max(total, 0))
        return lambda n: progress.advance(task_id, n)


@contextlib.contextmanager
def progress_reporter(enabled: bool) -> Iterator[RichReporter | None]:
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        yield RichReporter(progress)


def _fmt(x: float | None, digits: int = 0) -> str:
    return "unbounded" if x is None else f"{x:.{digits}f}"


def print_summary(results: Results) -> None:
    """The rating table: rating, interval, percentile with its population, per-contest lines."""
    console = Console()
    lo, hi = results.ci
    head = Table(title=f"cpelo rating of {results.agent}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    if results.below_field:
        # Last place's performance (e.g. -18) is a floor of the formula, not a measured rating.
        head.add_row(
            "rating", f"below the field: solved nothing ({results.estimator} floor {_fmt(results.rating)})"
        )
    else:
        head.add_row("rating", f"{_fmt(results.rating)}  ({results.estimator})")
        head.add_row(f"{results.ci_level:.0%} CI", f"[{_fmt(lo)}, {_fmt(hi)}]")
    head.add_row("method", results.estimator_note)
    if results.estimator_bias is not None:
        head.add_row("est. bias", f"{results.estimator_bias:+.0f} at this rating (synthetic contests)")
    if results.order_spread is not None:
        s = results.order_spread
        head.add_row("over orders", f"mean {s.mean:.0f}, sd {s.sd:.0f}, range [{s.min:.0f}, {s.max:.0f}]")
    if results.below_field:
        head.add_row("percentile", f"n/a (below the field) in {results.population}")
    elif results.percentile_detail is not None:
        head.add_row("percentile", results.percentile_detail.label)
    else:
        head.add_row("percentile", f"n/a (rating unbounded) in {results.population}")
    if results.protocol is not None:
        fixed = ", ".join(f"{k}={v}" for k, v in results.protocol.settings.items())
        head.add_row("protocol", f"{results.protocol.name} ({results.protocol.citation}): {fixed}")
    head.add_row("timing", results.timing)
    samples = f"{results.samples} sample{'s' if results.samples != 1 else ''}"
    attempts = f"{results.attempts_limit} attempt{'s' if results.attempts_limit != 1 else ''}"
    policy = f"{results.select}, {samples} per problem, up to {attempts}"
    if results.filter_samples:
        policy += ", samples failing the examples filtered" + (" (counted)" if results.filter_counted else "")
    head.add_row("attempts", policy)
    if results.window.after or results.window.before:
        head.add_row("window", f"after {results.window.after}  before {results.window.before}")
    if results.rating_note:
        head.add_row("note", results.rating_note)
    head.add_row("judged", f"{results.judged} new, {results.judge_cache_hits} from cache")
    if results.run is not None and results.run.agent.get("base_url"):
        agent = results.run.agent
        head.add_row("endpoint", f"{agent.get('model')} at {agent['base_url']}")
    if results.usage is not None and (results.usage.prompt_tokens or results.usage.completion_tokens):
        u = results.usage
        head.add_row(
            "usage",
            f"{u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion tokens "
            f"({u.reasoning_tokens:,} reasoning) over {u.samples} samples",
        )
    if results.usage is not None and results.usage.without_program:
        head.add_row("no program", f"{results.usage.without_program} of {results.usage.samples} samples")
    if results.cost is not None:
        head.add_row("cost", f"${results.cost.usd:.4f}")
    if results.standard_error is not None:
        head.add_row("std. error", f"{results.standard_error:.0f}")
    console.print(head)
    table = Table(
        title=f"per contest (performance: {results.contests[0].performance_estimator})", title_justify="left"
    )
    for col in ("contest", "rank", "performance", "solved", "points", "penalty"):
        table.add_column(col, justify="left" if col == "contest" else "right")
    for c in results.contests:
        rank = f"{c.rank} / {c.participants}" if c.rank is not None else "-"
        synthetic = " (synthetic field)" if c.synthetic_standings else ""
        table.add_row(
            f"{c.id} [{c.rules}]{synthetic}", rank,
            "below field" if c.solved == 0 else _fmt(c.performance), str(c.solved), f"{c.points:g}",
            str(c.penalty),
        )  # fmt: skip
    console.print(table)
    if len(results.contests) <= 3:
        for c in results.contests:
            console.print(_problem_table(c))
    if results.curve:
        curve = Table(title=f"test-time-compute curve ({results.select})", title_justify="left")
        for col in ("samples", "attempts", "rating", f"{results.ci_level:.0%} CI", "subsets"):
            curve.add_column(col, justify="right")
        for p in results.curve:
            curve.add_row(
                str(p.samples), str(p.attempts), "below the field" if p.below_field else _fmt(p.rating),
                "" if p.below_field else f"[{_fmt(p.ci[0])}, {_fmt(p.ci[1])}]",
                str(p.subsets),
            )  # fmt: skip
        console.print(curve)
    if results.pass_at_k:
        bands = Table(title="pass@k by difficulty band", title_justify="left")
        keys = sorted(
            {k for row in results.pass_at_k.values() for k in row if k != "problems"},
            key=lambda k: int(k.split("@")[1]),
        )
        bands.add_column("band")
        bands.add_column("problems", justify="right")
        for k in keys:
            bands.add_column(k, justify="right")
        for band, row in results.pass_at_k.items():
            bands.add_row(
                band, f"{row['problems']:.0f}", *(f"{row[k]:.2f}" if k in row else "-" for k in keys)
            )
        console.print(bands)


def _problem_table(c: ContestOut) -> object:
    table = Table(title=f"{c.id}: problems", title_justify="left")
    for col in ("problem", "rating", "value", "result", "attempts (verdict on test @ minute)", "pass@1"):
        table.add_column(col, justify="left" if col.startswith(("problem", "attempts")) else "right")
    for p in c.problems:
        tries = " ".join(
            f"{verdict_short(a.verdict)}{a.failed_test or ''}@{a.minute:g}"
            + ("(sys)" if a.outcome == "failed_system_tests" else "")
            for a in p.attempts
        )
        result = f"{p.points:g}" if p.solved else (f"-{p.wrong}" if p.wrong else "-")
        table.add_row(
            f"{p.index}. {p.name}", str(p.rating or "-"), f"{p.max_points:g}" if p.max_points else "-",
            result, tries or "(nothing submitted)", f"{p.pass_at_k.get('pass@1', 0):.2f}",
        )  # fmt: skip
    return table
