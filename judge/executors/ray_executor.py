"""The Ray executor: judging units as tasks on a Ray cluster (``pip install cpelo[ray]``).

Per batch the driver makes three kinds of task, each asking for one CPU and retried up to
``max_retries`` times when its worker or node dies:

- ``cpelo_compile``: one per distinct (language, source) -- compiles through the node's compile
  cache and returns the cache entry (binary and compiler log) as an object in Ray's object store;
- ``cpelo_compile_problem``: one per problem with a compiled checker or interactor, likewise;
- ``cpelo_judge_unit``: one per submission. It depends on its compile tasks' key lists, so Ray starts
  it only when they are done; it publishes the entries it lacks in its node's compile cache (fetched
  from the object store, at most once per node as the cache then has them), unpacks the problem's
  files if its node has not yet, and calls ``Judge.judge``, which finds the program compiled.

So a program is compiled once per cluster, not once per node or per test, and a compilation error is
decided once too. Why the object store rather than a shared cache directory: it needs nothing from
the nodes but Ray itself (no NFS, no object-storage credentials), compiled programs are small (tens
of KiB to a few MiB), and each node keeps its own on-disk cache, so a node pulls an entry once. On
a cluster whose nodes do share a filesystem, point ``CPELO_COMPILE_CACHE`` at it on every node: the
units then find the entries already published there and skip the import (the cache publishes with
one atomic rename, safe across processes and hosts that rename atomically, as NFS does).

Problem files (tests, checker sources) travel the same way by default (``ship_problems``): packed
once per problem by the driver, unpacked once per node. With identical paths on every node (a shared
filesystem, or bundled contests installed alike) ``ship_problems=False`` skips that.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import tempfile
import threading
import traceback
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from judge.batch import Submission
from judge.errors import JudgeError
from judge.executors.artifacts import CompiledEntry, entry_key, export_entry, import_entry
from judge.executors.bundle import absolute_task, make_bundle, relocated_task, unpack, unpacked
from judge.executors.executor import ExecutorError, OnResult, judge_error
from judge.judge import Judge
from judge.languages import language_for_file
from judge.settings import JudgeSettings
from judge.task import CheckerKind, JudgeTask
from judge.verdict import JudgeResult
from sandbox import SandboxConfig

log = logging.getLogger("cpelo.executors.ray")

DEFAULT_MAX_RETRIES = 3
_PROBLEMS_KEPT = 32  # problems whose bundle stays pinned in the object store between two batches


# -- what runs on the nodes -----------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxChoice:
    """The driver's sandbox backend, applied on every node (paths and cgroups stay each node's own)."""

    backend: str
    allow_unconfined: bool


@dataclass(frozen=True)
class UnitSpec:
    task: JudgeTask  # absolute paths (the driver's); re-rooted on the node when ``digest`` is set
    digest: str | None  # the problem bundle's digest; None: the node reads the driver's paths
    source: str
    language: str | None
    run_all: bool
    sandbox: SandboxChoice


@dataclass(frozen=True)
class UnitReport:
    """A unit's result and where and how it ran (for the stats: nothing here changes the result)."""

    result: JudgeResult
    node: str
    pid: int
    imported: int  # compile-cache entries this unit published on its node
    unpacked: bool  # this unit unpacked the problem's files on its node
    program_ready: bool  # the program was in the node's compile cache before judging started


def _node_judge(choice: SandboxChoice) -> Judge:
    settings = JudgeSettings().model_copy(
        update={"sandbox_backend": choice.backend, "allow_unconfined": choice.allow_unconfined}
    )
    return Judge(settings)


def _problems_root(judge: Judge) -> Path:
    return judge.settings.compile_cache.parent / "problems"


def _node_task(
    judge: Judge, task: JudgeTask, digest: str | None, bundle_box: list[Any]
) -> tuple[JudgeTask, bool]:
    """The task with paths valid on this node, unpacking its bundle if this node lacks it."""
    if digest is None:
        return task, False
    import ray

    root = _problems_root(judge)
    base = unpacked(root, digest)
    fresh = base is None
    if base is None:
        base = unpack(ray.get(bundle_box[0]), root)
    return relocated_task(task, base), fresh


def _export(judge: Judge, programs: Sequence[Any]) -> tuple[list[str], list[CompiledEntry]]:
    keys = [k for k in (entry_key(p, judge.cache) for p in programs) if k is not None]
    entries = [e for e in (export_entry(judge.cache, k) for k in keys) if e is not None]
    return [e.key for e in entries], entries


def cpelo_compile(
    source: str, language: str | None, choice: SandboxChoice
) -> tuple[list[str], list[CompiledEntry]]:
    """Compile a submission on this node (or find it in its cache) and hand out the cache entry."""
    judge = _node_judge(choice)
    try:
        program = judge.compile(source, language)
    except Exception:
        # Whatever went wrong here, the unit then compiles the program itself and meets (and reports)
        # the same error exactly as the local judge would.
        log.warning("compile task: %s", traceback.format_exc(limit=3))
        return [], []
    return _export(judge, [program])


def cpelo_compile_problem(
    task: JudgeTask, digest: str | None, bundle_box: list[Any], choice: SandboxChoice
) -> tuple[list[str], list[CompiledEntry]]:
    """Compile a problem's checker and interactor and hand out their cache entries."""
    from judge.helper_programs import build_program

    judge = _node_judge(choice)
    try:
        local, _ = _node_task(judge, task, digest, bundle_box)
        helpers = []
        if (
            local.checker.kind in (CheckerKind.TESTLIB, CheckerKind.KATTIS)
            and local.checker.source is not None
        ):
            helpers.append(
                (local.checker.source, local.checker.language, local.checker.include_dirs, "checker")
            )
        if local.interactor is not None:
            spec = local.interactor
            helpers.append((spec.source, spec.language, spec.include_dirs, "interactor"))
        with tempfile.TemporaryDirectory(prefix="cpelo-ray-compile-", dir=judge.settings.work_dir) as tmp:
            programs = [
                build_program(
                    source, lang, dirs, cache=judge.cache, config=judge.config, work_root=Path(tmp), what=what
                )
                for source, lang, dirs, what in helpers
            ]
    except Exception:  # as for cpelo_compile: the unit builds the helpers itself and reports any error
        log.warning("problem compile task %s: %s", task.id, traceback.format_exc(limit=3))
        return [], []
    return _export(judge, programs)


def cpelo_judge_unit(
    spec: UnitSpec, bundle_box: list[Any], entries_box: list[Any], *key_lists: list[str]
) -> UnitReport:
    """Judge one submission on this node with the programs compiled elsewhere in the cluster."""
    import ray

    judge = _node_judge(spec.sandbox)
    keys = [k for ks in key_lists for k in ks]
    imported = 0
    if any(judge.cache.get(k) is None for k in keys):
        for entries in ray.get(list(entries_box)):
            imported += sum(import_entry(judge.cache, e) for e in entries)
    program_ready = bool(key_lists and key_lists[0]) and all(
        judge.cache.get(k) is not None for k in key_lists[0]
    )
    fresh = False
    try:
        task, fresh = _node_task(judge, spec.task, spec.digest, bundle_box)
        result = judge.judge(task, spec.source, spec.language, run_all=spec.run_all)
    except JudgeError as exc:
        result = judge_error(str(exc), spec.language)
    node = ray.get_runtime_context().get_node_id()
    return UnitReport(result, node, os.getpid(), imported, fresh, program_ready)


# -- the driver -----------------------------------------------------------------------------------


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
        settings: JudgeSettings | None = None,
        sandbox_config: SandboxConfig | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_in_flight: int | None = None,
        ship_problems: bool = True,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ExecutorError(
                "executor ray: the ray package is not installed; install it with `pip install cpelo[ray]`"
            ) from exc
        self._ray: Any = ray  # typed loosely: ray is an optional extra
        self.address = address
        self._owns_connection = _connect(ray, address)
        config = sandbox_config or (settings or JudgeSettings()).sandbox_config()
        self.sandbox = SandboxChoice(config.backend, config.allow_unconfined)
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
                    finish(position, judge_error(str(exc), items[position].language))
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
            compiles[program_key] = self._compile.remote(source, language, self.sandbox)
            self.stats.compile_tasks += 1
        keys_ref, entries_ref = compiles[program_key]
        key_refs, entry_refs = [keys_ref], [entries_ref]
        if problem.compiled is not None:
            key_refs.append(problem.compiled[0])
            entry_refs.append(problem.compiled[1])
        spec = UnitSpec(problem.task, problem.digest, source, language, item.run_all, self.sandbox)
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
        if full.interactor is not None or full.checker.kind in (CheckerKind.TESTLIB, CheckerKind.KATTIS):
            compiled = self._compile_problem.remote(full, digest, bundle, self.sandbox)
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
            return judge_error(
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


def _connect(ray: Any, address: str | None) -> bool:
    """Connect to the cluster at ``address`` (None: RAY_ADDRESS, or the one `ray start` made on this
    machine, or else a throwaway local instance); True when this call made the connection."""
    if address is not None:
        _probe(address)
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    # ray.init makes SIGTERM exit the process at once; a caller that handles SIGTERM itself (a service
    # worker finishes the job in hand first) keeps its handler.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main else None
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = address or os.environ.get("RAY_ADDRESS") or "a local instance"
        raise ExecutorError(f"executor ray: cannot connect to the Ray cluster at {where}: {exc}") from exc
    finally:
        if callable(previous):
            signal.signal(signal.SIGTERM, previous)
    return True


def _probe(address: str, timeout_s: float = 5.0) -> None:
    """Fail at once, naming the address, when nothing listens there (ray.init would retry for minutes)."""
    if "://" in address or address in ("auto", "local"):
        return  # Ray Client URLs and Ray's own keywords: left to Ray
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ExecutorError(
            f"--ray-address {address}: not HOST:PORT (the head node's GCS port, 6379 by default)"
        )
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ExecutorError(
            f"--ray-address {address}: no Ray cluster answers there ({reason}); start one with "
            "`ray start --head` or give the head node's HOST:PORT"
        ) from exc
