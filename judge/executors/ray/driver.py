"""The driver side of the Ray executor: ``RayExecutor`` dispatches units and collects their results."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from judge.batch import Submission
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.executors.bundle import absolute_task, make_bundle
from judge.executors.executor import ExecutorError, OnResult
from judge.executors.ray.connection import connect
from judge.executors.ray.node import (
    NodeConfig,
    UnitReport,
    UnitSpec,
    cpelo_compile,
    cpelo_compile_problem,
    cpelo_judge_unit,
)
from judge.languages import language_for_file
from judge.task import JudgeTask
from judge.verdict import JudgeResult

DEFAULT_MAX_RETRIES = 3
_PROBLEMS_KEPT = 32  # problems whose bundle stays pinned in the object store between two batches


@dataclass
class RayStats:
    """What the executor dispatched, and where it ran (cumulative over its batches)."""

    units: int = 0
    compile_tasks: int = 0
    problem_compile_tasks: int = 0
    bundles: int = 0
    bundle_bytes: int = 0
    entries_imported: int = 0
    bundles_unpacked: int = 0
    programs_ready: int = 0
    lost: int = 0  # units given up as JUDGE_ERROR after every retry
    units_per_node: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _ProblemRefs:
    task: JudgeTask
    digest: str | None
    bundle: list[Any]  # [ObjectRef] of the ProblemBundle, nested so that a node fetches it only if needed
    compiled: tuple[Any, Any] | None  # (keys ref, entries ref) of the checker/interactor compile task


class RayExecutor:
    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        config: JudgeConfig | None = None,
        node_compile_cache: Path | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_in_flight: int | None = None,
        ship_problems: bool = True,
    ) -> None:
        try:
            import ray  # here, not at the top: ray is an optional extra, needed only to build this
        except ImportError as exc:
            raise ExecutorError(
                "executor ray: the ray package is not installed; install it with `pip install cpelo[ray]`"
            ) from exc
        self._ray: Any = ray  # typed loosely: ray is an optional extra
        self.address = address
        self._owns_connection = connect(ray, address)
        sandbox = (config or JudgeConfig()).sandbox
        # The driver's sandbox choice applies on every node; its paths are this machine's, not theirs.
        self.node = NodeConfig(sandbox.backend, sandbox.allow_unconfined, node_compile_cache)
        self.max_retries = max_retries
        self.ship_problems = ship_problems
        cpus = int(self._ray.cluster_resources().get("CPU", 1))
        self.max_in_flight = max_in_flight or max(16, 4 * cpus)
        # One CPU each: a unit runs one sandboxed process at a time, and a compiler is as heavy.
        task_options = {"num_cpus": 1, "max_retries": max_retries, "retry_exceptions": False}
        self._compile = self._ray.remote(num_returns=2, **task_options)(cpelo_compile)
        self._compile_problem = self._ray.remote(num_returns=2, **task_options)(cpelo_compile_problem)
        self._unit = self._ray.remote(**task_options)(cpelo_judge_unit)
        self._problems: OrderedDict[str, _ProblemRefs] = OrderedDict()
        self._lock = threading.Lock()  # a service worker may judge from several threads
        self.stats = RayStats()

    # -- public ---------------------------------------------------------------------------------

    def judge_many(
        self, submissions: Sequence[Submission], *, on_result: OnResult | None = None
    ) -> list[JudgeResult]:
        items = list(submissions)
        results: list[JudgeResult | None] = [None] * len(items)
        compiles: dict[str, tuple[Any, Any]] = {}
        pending: dict[Any, int] = {}

        def finish(position: int, result: JudgeResult) -> None:
            results[position] = result
            if on_result is not None:
                on_result(position, result)

        upcoming = iter(range(len(items)))
        while True:
            # A bounded window: the driver's memory and the scheduler's queue stay flat for any batch size.
            while len(pending) < self.max_in_flight and (position := next(upcoming, None)) is not None:
                try:
                    pending[self._submit(items[position], compiles)] = position
                except JudgeError as exc:
                    finish(position, JudgeResult.judge_error(str(exc), items[position].language))
            if not pending:
                break
            done, _ = self._ray.wait(list(pending), num_returns=1)
            for ref in done:
                position = pending.pop(ref)
                finish(position, self._collect(ref, items[position].language))
        assert all(r is not None for r in results)
        return [r for r in results if r is not None]

    def judge(
        self, task: JudgeTask, source: str | Path, language: str | None = None, *, run_all: bool = False
    ) -> JudgeResult:
        return self.judge_many([Submission(task=task, source=source, language=language, run_all=run_all)])[0]

    def close(self) -> None:
        with self._lock:
            self._problems.clear()
        if self._owns_connection and self._ray.is_initialized():
            self._ray.shutdown()
            self._owns_connection = False

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- dispatch -------------------------------------------------------------------------------

    def _submit(self, item: Submission, compiles: dict[str, tuple[Any, Any]]) -> Any:
        source, language = item.source, item.language
        if isinstance(source, Path):
            # Read here, where the file is; the language from its name, as Judge.judge would.
            if language is None:
                language = language_for_file(source).id
            source = source.read_text(encoding="utf-8", errors="replace")
        problem = self._problem(item.task)
        program_key = hashlib.sha256(f"{language}\0{source}".encode()).hexdigest()
        if program_key not in compiles:
            compiles[program_key] = self._compile.remote(source, language, self.node)
            self.stats.compile_tasks += 1
        keys_ref, entries_ref = compiles[program_key]
        key_refs, entry_refs = [keys_ref], [entries_ref]
        if problem.compiled is not None:
            key_refs.append(problem.compiled[0])
            entry_refs.append(problem.compiled[1])
        spec = UnitSpec(problem.task, problem.digest, source, language, item.run_all, self.node)
        self.stats.units += 1
        return self._unit.remote(spec, problem.bundle, entry_refs, *key_refs)

    def _problem(self, task: JudgeTask) -> _ProblemRefs:
        """The problem's bundle in the object store and its helpers' compile task (made once per problem)."""
        key = task.model_dump_json()
        with self._lock:
            known = self._problems.get(key)
            if known is not None:
                self._problems.move_to_end(key)
                return known
        full = absolute_task(task)
        digest, bundle = None, []
        if self.ship_problems:
            packed = make_bundle(full)
            digest, bundle = packed.digest, [self._ray.put(packed)]
            self.stats.bundles += 1
            self.stats.bundle_bytes += packed.size
        compiled = None
        if full.helper_programs:
            compiled = self._compile_problem.remote(full, digest, bundle, self.node)
            self.stats.problem_compile_tasks += 1
        refs = _ProblemRefs(full, digest, bundle, compiled)
        with self._lock:
            self._problems[key] = refs
            while len(self._problems) > _PROBLEMS_KEPT:
                self._problems.popitem(last=False)
        return refs

    def _collect(self, ref: Any, language: str | None) -> JudgeResult:
        try:
            report: UnitReport = self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:
            # Its worker or node died more than max_retries times, or the unit itself failed.
            self.stats.lost += 1
            reason = str(exc).strip().splitlines()
            return JudgeResult.judge_error(
                f"ray executor: judging unit failed after up to {self.max_retries} retries: "
                f"{type(exc).__name__}: {reason[-1] if reason else ''}",
                language,
            )
        stats = self.stats
        stats.entries_imported += report.imported
        stats.bundles_unpacked += report.unpacked
        stats.programs_ready += report.program_ready
        stats.units_per_node[report.node] += 1
        return report.result
