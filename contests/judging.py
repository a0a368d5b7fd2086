"""The one place where contests and the application turn a `JudgeConfig` into the judge's objects.

Every judge, batch and executor is built here from an explicit configuration (the CLI's settings),
never from the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from judge.batch import Submission
from judge.batch import judge_many as _judge_many
from judge.config import JudgeConfig
from judge.executors import Executor
from judge.executors import make_executor as _make_executor
from judge.judge import Judge
from judge.settings import JudgeSettings
from judge.verdict import JudgeResult


def _settings(config: JudgeConfig) -> JudgeSettings:
    # Every field given: nothing is taken from the environment.
    return JudgeSettings(
        compile_cache=config.compile_cache,
        work_dir=config.work_dir,
        sandbox_backend=config.sandbox.backend,
        allow_unconfined=config.sandbox.allow_unconfined,
    )


def make_judge(config: JudgeConfig) -> Judge:
    return Judge(_settings(config), sandbox_config=config.sandbox)


def judge_many(
    submissions: Iterable[Submission],
    config: JudgeConfig,
    *,
    jobs: int | None = None,
    on_result: Callable[[int, JudgeResult], None] | None = None,
) -> list[JudgeResult]:
    return _judge_many(
        submissions, jobs=jobs, settings=_settings(config), sandbox_config=config.sandbox, on_result=on_result
    )


def make_executor(
    name: str, config: JudgeConfig, *, ray_address: str | None = None, jobs: int | None = None
) -> Executor:
    return _make_executor(
        name, ray_address=ray_address, jobs=jobs, settings=_settings(config), sandbox_config=config.sandbox
    )
