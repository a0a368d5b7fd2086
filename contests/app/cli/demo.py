"""`cpelo demo`: the whole pipeline offline on the bundled Codeforces round with the demo agent."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from contests.app.cli.options import ESTIMATOR_CHOICE, TIMING_CHOICE, current_settings

DEMO_CONTEST = "cpelo-round-1"


@click.command()
@click.option("--rating", type=float, default=1600, show_default=True, help="The demo contestant's rating R.")
@click.option(
    "--samples",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Samples per problem (1: solves like a contestant of rating R).",
)
@click.option(
    "--timing",
    type=TIMING_CHOICE,
    default="human-median",
    show_default=True,
)
@click.option(
    "--estimator",
    type=ESTIMATOR_CHOICE,
    default="mle",
    show_default=True,
    help="How placements become a rating (mle: the least biased, see bench/elo_calibration.py).",
)
@click.option("--jobs", type=click.IntRange(1), default=None, help="Parallel judging workers [cores].")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the results (and their cache) here; default: a temporary directory.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON instead of the table.")
def demo(
    rating: float,
    samples: int,
    timing: str,
    estimator: str,
    jobs: int | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """Rate `demo:RATING` on the bundled round cpelo-round-1: judge, rules, placement, rating, percentile.

    demo:R is a contestant of rating R per attempt: each sample solves a problem of difficulty d with
    the Elo probability 1/(1+10^((d-R)/400)), submitting a jury solution (accepted or wrong). With one
    sample it should rate near R; with more samples and attempts it rates higher (10 attempts at 1700
    rate about 2000): the test-time compute a model spends shows up in its rating.
    """
    from contests.agents import make_agent
    from contests.app.cli.summary import print_summary, progress_reporter
    from contests.app.simulation import SimulateOptions, simulate
    from contests.catalog import load_contest

    options = SimulateOptions.model_validate(
        {"samples": samples, "timing": timing, "estimator": estimator, **({"jobs": jobs} if jobs else {})}
    )
    settings = current_settings()
    contest = load_contest(DEMO_CONTEST)
    agent = make_agent(f"demo:{rating:g}")
    with tempfile.TemporaryDirectory(prefix="cpelo-demo-") as tmp:
        target = out or Path(tmp) / "demo.json"
        with progress_reporter(not as_json and sys.stderr.isatty()) as reporter:
            results = simulate(
                [contest], agent, options, judge=settings.judge_config(), out=target, reporter=reporter
            )
    if as_json:
        click.echo(results.model_dump_json(indent=2))
        return
    click.echo(
        f"demo:{rating:g} is a contestant of rating R = {rating:g} per attempt: each sample solves a problem "
        f"of difficulty d with probability 1/(1+10^((d-R)/400)); {samples} sample(s) per problem."
    )
    print_summary(results)
    click.echo(f"wall time: {results.wall_time_s:.1f} s" + (f"; results: {out}" if out else ""))
