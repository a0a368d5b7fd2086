"""Judging many submissions at once, for RL pipelines and contest simulations.

Different submissions run in parallel (``jobs`` workers, default: the number of cores); the tests of
one submission run in order, stopping at the first failure unless ``run_all``. Worker threads are
enough: each waits on sandboxed processes, and one ``Judge`` (compile cache, sandbox config) is shared.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import JudgeResult


class Submission(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    task: JudgeTask
    source: str | Path = Field(description="program text, or a Path to read")
    language: str | None = Field(None, description="language id; None: from the source file's extension")
    entrypoint: str | None = Field(None, description="a directory's main file (Kattis submissions.yaml)")
    run_all: bool = False


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def judge_many(
    submissions: Iterable[Submission],
    *,
    jobs: int | None = None,
    config: JudgeConfig | None = None,
    on_result: Callable[[int, JudgeResult], None] | None = None,
) -> list[JudgeResult]:
    """Judge every submission; results in the order given.

    A submission the judge cannot take (unknown or unavailable language, broken checker) gets a
    JUDGE_ERROR result whose ``compile_log`` holds the reason, so one bad item never stops a batch.
    ``on_result(position, result)`` is called as each finishes (from a worker thread).
    """
    items = list(submissions)
    judge = Judge(config)

    def one(position: int) -> JudgeResult:
        item = items[position]
        try:
            result = judge.judge(
                item.task, item.source, item.language, run_all=item.run_all, entrypoint=item.entrypoint
            )
        except JudgeError as exc:
            result = JudgeResult.judge_error(str(exc), item.language)
        if on_result is not None:
            on_result(position, result)
        return result

    workers = max(1, jobs or default_jobs())
    if workers == 1 or len(items) <= 1:
        return [one(i) for i in range(len(items))]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cpelo-judge") as pool:
        return list(pool.map(one, range(len(items))))
