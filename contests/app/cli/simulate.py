"""`cpelo simulate`: rate an agent on contests (thin layer over contests.app.simulation.simulate)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import click

from contests.app.cli.errors import CpeloUsageError
from contests.app.cli.options import (
    ESTIMATOR_CHOICE,
    TIMING_CHOICE,
    current_settings,
    sandbox_option,
    time_scale_option,
)


def _date(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CpeloUsageError(f"{flag} {value!r}: not a date (YYYY-MM-DD or ISO 8601)") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An http(s) URL with a host, or a one-line usage error naming the value."""
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise click.BadParameter(f"{value!r} is not an http(s) URL (e.g. http://localhost:8000/v1)")
    return value


SELECT_NAMES = ("generation-order", "random-orders", "filter-examples", "cluster", "majority")


def _select(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or value in SELECT_NAMES or (value.startswith("rerank:") and value != "rerank:"):
        return value
    raise click.BadParameter(f"{value!r}: expected one of {', '.join(SELECT_NAMES)} or rerank:CMD")


def _json_object(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"{value!r} is not JSON ({exc.msg})") from None
    if not isinstance(parsed, dict):
        raise click.BadParameter(f"{value!r} is not a JSON object")
    return parsed


AGENT_OPTIONS = [
    click.option("--base-url", callback=_base_url,
                 help="openai: endpoint base URL (default: env OPENAI_BASE_URL)."),
    click.option("--api-key", help="openai: API key (default: env OPENAI_API_KEY)."),
    click.option("--lang", "language", default="cpp17", show_default=True,
                 help="Language asked of the model / assumed for bare code."),
    click.option("--temperature", type=click.FloatRange(min=0), default=1.0, show_default=True),
    click.option("--max-tokens", type=click.IntRange(min=1), default=None),
    click.option("--max-completion-tokens", type=click.IntRange(min=1), default=None,
                 help="openai: o-series cap (they refuse --max-tokens)."),
    click.option("--top-p", type=click.FloatRange(0, 1, min_open=True), default=None),
    click.option("--reasoning-effort", default=None, help="openai: reasoning models, e.g. low|medium|high."),
    click.option("--extra-body", callback=_json_object, default=None,
                 help="openai: JSON object merged into each request (e.g. '{\"top_k\": 20}')."),
    click.option("--timeout", "timeout_s", type=click.FloatRange(min=0, min_open=True), default=600,
                 show_default=True, help="openai: seconds per request."),
    click.option("--retries", type=click.IntRange(min=0), default=6, show_default=True,
                 help="openai: retries of 429/5xx/timeouts (unreachable endpoints: 2)."),
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
    default="mle",
    show_default=True,
    help="How placements become a rating (mle: the least biased, see bench/elo_calibration.py).",
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
@click.option(
    "--select",
    default=None,
    callback=_select,
    help="What to submit of the K samples: generation-order | random-orders | filter-examples (o1-ioi) | "
    "cluster (AlphaCode) | majority | rerank:CMD (CMD scores the candidates, JSON in and out).",
)
@click.option(
    "--extra-inputs",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="cluster/majority: extra inputs per problem.",
)
@click.option(
    "--extra-inputs-from",
    type=click.Choice(["examples", "agent"]),
    default="examples",
    show_default=True,
    help="cluster/majority: mutate the public examples, or ask the agent (openai) for inputs, kept when the "
    "problem's input validator accepts them.",
)
@time_scale_option("the results and reports")
@click.option("--filter-samples", is_flag=True, help="Alias of --select filter-examples.")
@click.option(
    "--protocol",
    type=click.Choice(["codeelo", "openai", "alphacode", "lcb-pro"]),
    default=None,
    help="A publication's protocol: fixes attempts, timing, selection, estimator and population.",
)
@click.option(
    "--curve",
    "with_curve",
    is_flag=True,
    help="Also rate at k = 1, 2, 4, ..., K samples (and 1 attempt): the test-time-compute curve.",
)
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
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results JSON (caches beside it).  [required]",
)
@click.option("--price-in", type=click.FloatRange(min=0), default=None, help="USD per million prompt tokens.")
@click.option(
    "--price-out", type=click.FloatRange(min=0), default=None, help="USD per million completion tokens."
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
    select: str | None,
    extra_inputs: int,
    time_scale: float,
    extra_inputs_from: str,
    filter_samples: bool,
    protocol: str | None,
    with_curve: bool,
    filter_counted: bool,
    jobs: int | None,
    executor: str,
    ray_address: str | None,
    after: str | None,
    before: str | None,
    seed: int,
    out: Path | None,
    price_in: float | None,
    price_out: float | None,
    as_json: bool,
    print_schema: bool,
    no_progress: bool,
    base_url: str | None,
    api_key: str | None,
    language: str,
    temperature: float,
    max_tokens: int | None,
    max_completion_tokens: int | None,
    top_p: float | None,
    reasoning_effort: str | None,
    extra_body: dict[str, Any] | None,
    timeout_s: float,
    retries: int,
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
    from contests.app.cli.summary import print_summary, progress_reporter
    from contests.app.simulation import SimulateOptions
    from contests.app.simulation import simulate as run
    from contests.catalog import load_contest
    from elo.percentile import DEFAULT_POPULATION

    fixed: dict[str, object] = {}
    if protocol is not None:
        from contests.app.simulation.protocols import protocol_settings

        fixed = {**protocol_settings(protocol, samples), "protocol": protocol}
    options = SimulateOptions.model_validate(
        {
            "samples": samples,
            "attempts": attempts,
            "timing": timing,
            "estimator": estimator,
            "population": population or DEFAULT_POPULATION,
            "policy": policy,
            "select": select or ("filter-examples" if filter_samples else policy),
            "extra_inputs": extra_inputs,
            "time_scale": time_scale,
            "extra_inputs_from": extra_inputs_from,
            "curve": with_curve,
            "n_orders": orders,
            "filter_samples": filter_samples,
            "filter_counted": filter_counted,
            "after": _date(after, "--after"),
            "before": _date(before, "--before"),
            "seed": seed,
            "executor": executor,
            "ray_address": ray_address,
            "price_in": price_in,
            "price_out": price_out,
            **({"jobs": jobs} if jobs else {}),
            **fixed,
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
            max_completion_tokens=max_completion_tokens,
            top_p=top_p,
            reasoning_effort=reasoning_effort,
            extra_body=extra_body,
            timeout_s=timeout_s,
            max_retries=retries,
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
