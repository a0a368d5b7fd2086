"""What runs on the Ray nodes: compiling submissions and a problem's helpers, and judging units."""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from judge.config import JudgeConfig, default_compile_cache
from judge.errors import JudgeError
from judge.executors.artifacts import CompiledEntry, entry_key, export_entry, import_entry
from judge.executors.bundle import relocated_task, unpack, unpacked
from judge.helper_programs import build_program
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import JudgeResult
from sandbox import SandboxConfig

log = logging.getLogger("cpelo.executors.ray")


@dataclass(frozen=True)
class NodeConfig:
    """What the driver decides for every node. Host paths (the sandbox's runner cache, cgroups) stay
    each node's own defaults; the compile cache too unless the driver names one (a shared filesystem)."""

    backend: Literal["native", "unconfined", "docker"]
    allow_unconfined: bool
    compile_cache: Path | None = None  # None: the node's default (its XDG cache)

    def judge_config(self) -> JudgeConfig:
        return JudgeConfig(
            compile_cache=self.compile_cache or default_compile_cache(),
            sandbox=SandboxConfig(backend=self.backend, allow_unconfined=self.allow_unconfined),
        )


@dataclass(frozen=True)
class UnitSpec:
    task: JudgeTask  # absolute paths (the driver's); re-rooted on the node when ``digest`` is set
    digest: str | None  # the problem bundle's digest; None: the node reads the driver's paths
    source: str
    language: str | None
    run_all: bool
    node: NodeConfig


@dataclass(frozen=True)
class UnitReport:
    """A unit's result and where and how it ran (for the stats: nothing here changes the result)."""

    result: JudgeResult
    node: str
    pid: int
    imported: int  # compile-cache entries this unit published on its node
    unpacked: bool  # this unit unpacked the problem's files on its node
    program_ready: bool  # the program was in the node's compile cache before judging started


def _problems_root(judge: Judge) -> Path:
    return judge.config.compile_cache.parent / "problems"


def _node_task(
    judge: Judge, task: JudgeTask, digest: str | None, bundle_box: list[Any]
) -> tuple[JudgeTask, bool]:
    """The task with paths valid on this node, unpacking its bundle if this node lacks it."""
    if digest is None:
        return task, False
    import ray  # only ever called inside a Ray task, where ray is installed (an optional extra)

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
    source: str, language: str | None, node: NodeConfig
) -> tuple[list[str], list[CompiledEntry]]:
    """Compile a submission on this node (or find it in its cache) and hand out the cache entry."""
    judge = Judge(node.judge_config())
    try:
        program = judge.compile(source, language)
    except Exception:
        # Whatever went wrong here, the unit then compiles the program itself and meets (and reports)
        # the same error exactly as the local judge would.
        log.warning("compile task: %s", traceback.format_exc(limit=3))
        return [], []
    return _export(judge, [program])


def cpelo_compile_problem(
    task: JudgeTask, digest: str | None, bundle_box: list[Any], node: NodeConfig
) -> tuple[list[str], list[CompiledEntry]]:
    """Compile a problem's checker and interactor and hand out their cache entries."""
    judge = Judge(node.judge_config())
    try:
        local, _ = _node_task(judge, task, digest, bundle_box)
        with tempfile.TemporaryDirectory(prefix="cpelo-ray-compile-", dir=judge.config.work_dir) as tmp:
            programs = [
                build_program(
                    h.source,
                    h.language,
                    h.include_dirs,
                    cache=judge.cache,
                    config=judge.sandbox_config,
                    work_root=Path(tmp),
                    what=h.what,
                )
                for h in local.helper_programs
            ]
    except Exception:  # as for cpelo_compile: the unit builds the helpers itself and reports any error
        log.warning("problem compile task %s: %s", task.id, traceback.format_exc(limit=3))
        return [], []
    return _export(judge, programs)


def cpelo_judge_unit(
    spec: UnitSpec, bundle_box: list[Any], entries_box: list[Any], *key_lists: list[str]
) -> UnitReport:
    """Judge one submission on this node with the programs compiled elsewhere in the cluster."""
    import ray  # only ever called inside a Ray task, where ray is installed (an optional extra)

    judge = Judge(spec.node.judge_config())
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
        result = JudgeResult.judge_error(str(exc), spec.language)
    node = ray.get_runtime_context().get_node_id()
    return UnitReport(result, node, os.getpid(), imported, fresh, program_ready)
