"""Executors: where judging units run -- ``local`` (this machine, the default) or ``ray`` (a cluster).

Simulations and the judge service's workers both dispatch through ``make_executor``.
"""

from __future__ import annotations

from pathlib import Path

from judge.config import JudgeConfig
from judge.executors.executor import EXECUTOR_NAMES, Executor, ExecutorError, ExecutorName, OnResult
from judge.executors.local import LocalExecutor
from judge.executors.ray.driver import RayExecutor  # imports the ray package only when built

__all__ = ["EXECUTOR_NAMES", "Executor", "ExecutorError", "ExecutorName", "OnResult", "make_executor"]


def make_executor(
    name: str = "local",
    *,
    ray_address: str | None = None,
    jobs: int | None = None,
    config: JudgeConfig | None = None,
    node_compile_cache: Path | None = None,
) -> Executor:
    """The executor called ``name``; ``jobs`` sizes the local one, ``ray_address`` picks the cluster and
    ``node_compile_cache`` its nodes' compile cache (a shared filesystem; None: each node's default)."""
    if name == "local":
        if ray_address is not None:
            raise ExecutorError(f"--ray-address {ray_address}: only meaningful with --executor ray")
        return LocalExecutor(jobs=jobs, config=config)
    if name == "ray":
        return RayExecutor(ray_address, config=config, node_compile_cache=node_compile_cache)
    raise ExecutorError(f"executor {name!r}: unknown (choose from {', '.join(EXECUTOR_NAMES)})")
