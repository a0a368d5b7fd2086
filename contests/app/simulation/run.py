"""Contest simulation end to end: agent -> judge -> rules -> placement -> rating, CI and percentile.

`simulate(contests, agent, options)` generates K samples per problem (generate.py), judges every
distinct submission once (judging.py; results cached beside the output file, so a rerun with the same
`out` judges nothing again and an interrupted run continues: cache.py), plays each contest under its
rules with the chosen attempt policy and timing model (play.py, timing.py), places the model among the
rated humans of each contest and rates it with the chosen estimator (aggregate.py, elo/), and builds the
results document (outputs.py, results.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from contests.agents import Agent
from contests.app.simulation.aggregate import rate
from contests.app.simulation.cache import ResultsCache, cache_dir_for
from contests.app.simulation.curve import curve
from contests.app.simulation.errors import SimulationError
from contests.app.simulation.generate import generate, require_every_contest, require_programs
from contests.app.simulation.judging import judge_all
from contests.app.simulation.options import Reporter, Silent, SimulateOptions
from contests.app.simulation.outputs import build_results, write_results
from contests.app.simulation.play import contest_runs, play_all
from contests.app.simulation.results import Results, RunOut
from contests.app.simulation.selection import rankings, ranks
from contests.app.simulation.window import select
from contests.contest import Contest
from elo.percentile import population
from judge.config import JudgeConfig


def simulate(
    contests: Sequence[Contest],
    agent: Agent,
    options: SimulateOptions | None = None,
    *,
    judge: JudgeConfig | None = None,
    out: Path | None = None,
    reporter: Reporter | None = None,
) -> Results:
    """Run the simulation; with `out`, write the results there (and keep the caches beside it).

    `judge`: the compile cache and sandbox to judge with (default: JudgeConfig's defaults).
    """
    options = options or SimulateOptions()
    reporter = reporter or Silent()
    started = time.monotonic()
    _check(options)
    selected, excluded = select(contests, options)
    cache_dir = cache_dir_for(out) if out is not None else None
    cache = ResultsCache(cache_dir / "judged.jsonl" if cache_dir else None)
    subs = generate(
        selected, agent, options, reporter, cache_dir / "submissions.jsonl" if cache_dir else None
    )
    require_every_contest(selected, subs, agent)
    require_programs(subs, agent)
    judge = judge or JudgeConfig()
    verdicts, judged, hits = judge_all(selected, subs, options, cache, reporter, judge)
    ranked = None
    inputs_from: dict[str, str] = {}
    if ranks(options):
        found = rankings(selected, subs, verdicts, options, judge, reporter, agent)
        ranked = {key: (r.samples, r.clusters, r.behaviours) for key, r in found.items()}
        inputs_from = {f"{c}/{p}": r.inputs_from for (c, p), r in found.items() if r.inputs_from}
    runs = contest_runs(selected, subs, verdicts, ranked)
    played = play_all(runs, options)
    results = build_results(
        agent=agent.spec,
        runs=runs,
        played=played,
        rated=rate(runs, played, options),
        options=options,
        excluded=excluded,
        judged=judged,
        hits=hits,
        wall_time_s=round(time.monotonic() - started, 3),
        run_info=RunOut(
            agent=agent.describe(), sandbox_backend=judge.sandbox.backend, extra_inputs=inputs_from
        ),
    )
    if options.curve:
        results.curve = curve(runs, options)
    if out is not None:
        write_results(results, out)
    return results


def _check(options: SimulateOptions) -> None:
    """Fail on a bad option before any work is done."""
    population(options.population)  # an unknown population raises here
    if options.filter_counted and not options.filter_samples:
        raise SimulationError("--filter-counted only makes sense with --filter-samples")
