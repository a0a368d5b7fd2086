"""Judging: every distinct submission judged once, through an executor (local threads or Ray).

Results come from the cache when the same program was judged on the same problem before.
A JUDGE_ERROR (the judge's or the problem's failure: a missing toolchain, a broken checker) is
kept for this run only, so that a rerun after the fix judges it again.
"""

from __future__ import annotations

from contests.agents import Submission
from contests.app.simulation.cache import ResultsCache, judge_key, problem_hash
from contests.app.simulation.generate import SampleKey
from contests.app.simulation.options import Reporter, SimulateOptions
from contests.contest import Contest
from contests.problem_loader import to_judge_task
from judge.batch import Submission as JudgeSubmission
from judge.config import JudgeConfig
from judge.executors import make_executor
from judge.task import JudgeTask
from judge.verdict import JudgeResult, Verdict


def judge_all(
    contests: list[Contest],
    subs: list[Submission],
    options: SimulateOptions,
    cache: ResultsCache,
    reporter: Reporter,
    config: JudgeConfig,
) -> tuple[dict[SampleKey, JudgeResult], int, int]:
    """(the result of every sample with code, how many were judged now, how many came from the cache)."""
    tasks: dict[tuple[str, str], tuple[JudgeTask, str]] = {}
    for c in contests:
        for p in c.problems:
            task = to_judge_task(p, time_scale=options.time_scale)
            tasks[(c.id, p.index or "")] = (task, problem_hash(task))
    keys: dict[SampleKey, str] = {}
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
    transient = _judge(list(todo.items()), options, cache, reporter, config)
    verdicts = {}
    for sample_key, key in keys.items():
        result = cache.get(key) or transient.get(key)
        assert result is not None
        verdicts[sample_key] = result
    return verdicts, len(todo), hits


def _judge(
    items: list[tuple[str, tuple[JudgeTask, Submission]]],
    options: SimulateOptions,
    cache: ResultsCache,
    reporter: Reporter,
    config: JudgeConfig,
) -> dict[str, JudgeResult]:
    """Judge `items` into the cache; returns the JUDGE_ERROR results, which are not cached."""
    advance = reporter.task("judging", len(items))
    transient: dict[str, JudgeResult] = {}

    def store(position: int, result: JudgeResult) -> None:
        key = items[position][0]
        if result.verdict is Verdict.JUDGE_ERROR:
            transient[key] = result
        else:
            cache.put(key, result)
        advance(1)

    if items:
        batch = [JudgeSubmission(task=task, source=s.source, language=s.language) for _, (task, s) in items]
        with make_executor(
            options.executor, ray_address=options.ray_address, jobs=options.jobs, config=config
        ) as executor:
            executor.judge_many(batch, on_result=store)
    return transient
