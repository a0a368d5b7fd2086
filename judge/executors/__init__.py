"""Executors: where judging units run -- ``local`` (this machine, the default) or ``ray`` (a cluster).

``contests.simulate`` and the judge service's workers both dispatch through ``make_executor``.
"""

from __future__ import annotations

from judge.executors.executor import (
    EXECUTOR_NAMES,
    Executor,
    ExecutorError,
    ExecutorName,
    OnResult,
    judge_error,
)
from judge.settings import JudgeSettings
from sandbox import SandboxConfig

__all__ = [
    "EXECUTOR_NAMES",
    "Executor",
    "ExecutorError",
    "ExecutorName",
    "OnResult",
    "judge_error",
    "make_executor",
]


def make_executor(
    name: str = "local",
    *,
    ray_address: str | None = None,
    jobs: int | None = None,
    settings: JudgeSettings | None = None,
    sandbox_config: SandboxConfig | None = None,
) -> Executor:
    """The executor called ``name``; ``jobs`` sizes the local one, ``ray_address`` picks the cluster."""
    if name == "local":
        if ray_address is not None:
            raise ExecutorError(f"--ray-address {ray_address}: only meaningful with --executor ray")
        from judge.executors.local import LocalExecutor

        return LocalExecutor(jobs=jobs, settings=settings, sandbox_config=sandbox_config)
    if name == "ray":
        from judge.executors.ray_executor import RayExecutor

        return RayExecutor(ray_address, settings=settings, sandbox_config=sandbox_config)
    raise ExecutorError(f"executor {name!r}: unknown (choose from {', '.join(EXECUTOR_NAMES)})")
