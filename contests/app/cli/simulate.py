"""`cpelo simulate`: rate an agent on contests (thin layer over contests.app.simulation.simulate)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import click

from contests.app.cli.errors import CpeloUsageError
from contests.app.cli.options import ESTIMATOR_CHOICE, TIMING_CHOICE, current_settings, sandbox_option
from contests.app.simulation.results import ContestOut, Results, verdict_short


def _date(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CpeloUsageError(f"{flag} {value!r}: not a date (YYYY-MM-DD or ISO 8601)") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class RichReporter:
    """Progress bars on stderr, one per stage."""

    def __init__(self, progress: object) -> None:
        self.progress = progress

    def task(self, description: str, total: int) -> Callable[[int], None]:
        from rich.progress import Progress

        assert isinstance(self.progress, Progress)
        progress = self.progress
        task_id = progress.add_task(description, total=max(total, 0))
        return lambda n: progress.advance(task_id, n)


@contextlib.contextmanager
def progress_reporter(enabled: bool) -> Iterator[RichReporter | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
    from rich.console import Console
    from rich.table import Table

    console = Console()
    lo, hi = results.ci
    head = Table(title=f"cpelo rating of {results.agent}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    head.add_row("rating", f"{_fmt(results.rating)}  ({results.estimator})")
    head.add_row(f"{results.ci_level:.0%} CI", f"[{_fmt(lo)}, {_fmt(hi)}]")
    head.add_row("method", results.estimator_note)
    if results.order_spread is not None:
        s = results.order_spread
        head.add_row("over orders", f"mean {s.mean:.0f}, sd {s.sd:.0f}, range [{s.min:.0f}, {s.max:.0f}]")
    if results.percentile_detail is not None:
        head.add_row("percentile", results.percentile_detail.label)
    else:
        head.add_row("percentile", f"n/a (rating unbounded) in {results.population}")
    head.add_row("timing", results.timing)
    samples = f"{results.samples} sample{'s' if results.samples != 1 else ''}"
    attempts = f"{results.attempts_limit} attempt{'s' if results.attempts_limit != 1 else ''}"
    policy = f"{results.attempt_policy}, {samples} per problem, up to {attempts}"
    if results.filter_samples:
        policy += ", samples failing the examples filtered" + (" (counted)" if results.filter_counted else "")
    head.add_row("attempts", policy)
    if results.window.after or results.window.before:
        head.add_row("window", f"after {results.window.after}  before {results.window.before}")
    if results.rating_note:
        head.add_row("note", results.rating_note)
    head.add_row("judged", f"{results.judged} new, {results.judge_cache_hits} from cache")
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
            f"{c.id} [{c.rules}]{synthetic}", rank, _fmt(c.performance), str(c.solved), f"{c.points:g}",
            str(c.penalty),
        )  # fmt: skip
    console.print(table)
    if len(results.contests) <= 3:
        for c in results.contests:
            console.print(_problem_table(c))
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
    from rich.table import Table

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


AGENT_OPTIONS = [
    click.option("--base-url", help="openai: endpoint base URL (default: env OPENAI_BASE_URL)."),
    click.option("--api-key", help="openai: API key (default: env OPENAI_API_KEY)."),
    click.option("--lang", "language", default="cpp17", show_default=True,
                 help="Language asked of the model / assumed for bare code."),
    click.option("--temperature", type=float, default=1.0, show_default=True),
    click.option("--max-tokens", type=int, default=None),
    click.option("--concurrency", type=click.IntRange(1), default=4, show_default=True,
                 help="Agent requests in flight at once."),
]  # fmt: skip


def _agent_options(func: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(AGENT_OPTIONS):
        func = option(func)
    return func


@click.command()
@click.argument("contests", nargs=-1)
@click.option("--agent", "agent_spec", help="replay:FILE | openai:MODEL | command:CMD | demo:RATING")
@click.option(
    "--samples", type=click.IntRange(1), default=10, show_default=True, help="Samples per problem (K)."
)
@click.option("--attempts", type=click.IntRange(1), default=None, help="Most submissions per problem [K].")
@click.option(
    "--timing",
    type=TIMING_CHOICE,
    default="human-median",
    show_default=True,
    help="Submission-time model.",
)
@click.option(
    "--estimator",
    type=ESTIMATOR_CHOICE,
    default="cf-performance",
    show_default=True,
)
@click.option("--population", default=None, help="Human population for the percentile [cf-all-rated-2025].")
@click.option(
    "--policy",
    type=click.Choice(["generation-order", "random-orders"]),
    default="generation-order",
    show_default=True,
    help="Attempt order: as generated, or the expectation over random orders.",
)
@click.option(
    "--orders", type=click.IntRange(1), default=100, show_default=True, help="random-orders: how many."
)
@click.option("--filter-samples", is_flag=True, help="Do not submit samples failing the examples (o1-ioi).")
@click.option("--filter-counted", is_flag=True, help="Filtered samples still use up the attempt budget.")
@click.option("--jobs", type=click.IntRange(1), default=None, help="Parallel judging workers [cores].")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where judging runs: this machine, or a Ray cluster (pip install cpelo[ray]).",
)
@click.option("--ray-address", default=None, help="ray: the cluster's address [RAY_ADDRESS or local].")
@click.option("--after", help="Only contests starting on/after this date (e.g. a training cutoff).")
@click.option("--before", help="Only contests starting before this date.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Results JSON (caches beside it)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON instead of the table.")
@click.option("--schema", "print_schema", is_flag=True, help="Print the results' JSON Schema and exit.")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
@_agent_options
@sandbox_option
def simulate(
    contests: tuple[str, ...],
    agent_spec: str | None,
    samples: int,
    attempts: int | None,
    timing: str,
    estimator: str,
    population: str | None,
    policy: str,
    orders: int,
    filter_samples: bool,
    filter_counted: bool,
    jobs: int | None,
    executor: str,
    ray_address: str | None,
    after: str | None,
    before: str | None,
    seed: int,
    out: Path | None,
    as_json: bool,
    print_schema: bool,
    no_progress: bool,
    base_url: str | None,
    api_key: str | None,
    language: str,
    temperature: float,
    max_tokens: int | None,
    concurrency: int,
) -> None:
    """Simulate CONTEST... (bundled names or contest directories) with an agent and rate it."""
    if print_schema:
        from contests.app.simulation.results import schema_json

        click.echo(schema_json())
        return
    if not contests:
        raise CpeloUsageError("give at least one CONTEST (a bundled contest name or a contest directory)")
    if not agent_spec:
        raise CpeloUsageError("--agent is required (replay:FILE | openai:MODEL | command:CMD | demo:RATING)")
    if out is None:
        raise CpeloUsageError("--out FILE is required (the results and their judging cache live there)")
    from contests.agents import AgentOptions, make_agent
    from contests.app.simulation import SimulateOptions
    from contests.app.simulation import simulate as run
    from contests.catalog import load_contest
    from elo.percentile import DEFAULT_POPULATION

    options = SimulateOptions.model_validate(
        {
            "samples": samples,
            "attempts": attempts,
            "timing": timing,
            "estimator": estimator,
            "population": population or DEFAULT_POPULATION,
            "policy": policy,
            "n_orders": orders,
            "filter_samples": filter_samples,
            "filter_counted": filter_counted,
            "after": _date(after, "--after"),
            "before": _date(before, "--before"),
            "seed": seed,
            "executor": executor,
            "ray_address": ray_address,
            **({"jobs": jobs} if jobs else {}),
        }
    )
    settings = current_settings()
    agent = make_agent(
        agent_spec,
        AgentOptions(
            base_url=base_url,
            api_key=api_key,
            language=language,
            temperature=temperature,
            max_tokens=max_tokens,
            concurrency=concurrency,
        ),
        cache_dir=settings.cache_dir / "completions",
    )
    loaded = [load_contest(c, settings.contests_dir) for c in contests]
    with progress_reporter(not no_progress and not as_json and sys.stderr.isatty()) as reporter:
        results = run(loaded, agent, options, judge=settings.judge_config(), out=out, reporter=reporter)
    if as_json:
        click.echo(results.model_dump_json(indent=2))
    else:
        print_summary(results)
        click.echo(f"results: {out}")
