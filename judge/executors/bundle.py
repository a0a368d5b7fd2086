"""A problem's files as one value, so that nodes without the driver's filesystem can judge it.

A ``JudgeTask`` names files on the machine that built it (tests, checker and interactor sources, the
headers they include). The driver packs them once per problem (content-addressed: the digest covers
every path and byte), Ray's object store carries the pack to each node that judges the problem, and
the node unpacks it once under ``<root>/<digest>/``, the driver's absolute paths re-rooted there, so
relative layouts (a checker finding testlib.h next to it or one directory up) still hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from judge.compile_cache import publish_directory
from judge.executors.executor import ExecutorError
from judge.helper_programs import include_search_path, included_names
from judge.task import JudgeTask

_COMPLETE = ".complete"


@dataclass(frozen=True)
class ProblemBundle:
    digest: str
    files: tuple[tuple[str, bytes], ...]  # (absolute path on the driver, content)

    @property
    def size(self) -> int:
        return sum(len(content) for _, content in self.files)


def absolute_task(task: JudgeTask) -> JudgeTask:
    """The task with every path made absolute (resolved here, where the files are)."""
    return task.map_paths(lambda p, _what: p.resolve())


def relocated_task(task: JudgeTask, base: Path) -> JudgeTask:
    """An absolute task's paths re-rooted under ``base`` (where ``unpack`` put its bundle)."""
    return task.map_paths(lambda p, _what: base / str(p).lstrip("/"))


def task_files(task: JudgeTask) -> list[Path]:
    """Every file judging ``task`` reads: test inputs and answers, helper sources and their headers."""
    files: list[Path] = []
    for test in task.tests:
        files += [test.input, test.answer]
    helpers = task.helper_programs
    include_dirs = [d for helper in helpers for d in helper.include_dirs]
    for helper in helpers:
        source = helper.source
        if not source.exists():
            continue  # the judge reports a missing helper source itself, by its name
        own = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source]
        files += own
        wanted = {name for f in own for name in included_names(_read(f))}
        for folder in include_search_path(include_dirs, source):
            files += [folder / name for name in sorted(wanted) if (folder / name).is_file()]
    return sorted(set(files))


def make_bundle(task: JudgeTask) -> ProblemBundle:
    """Pack the files of an absolute task (see ``absolute_task``)."""
    digest = hashlib.sha256()
    packed: list[tuple[str, bytes]] = []
    for path in task_files(task):
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ExecutorError(f"problem {task.id}: cannot read {path} ({exc.strerror})") from exc
        digest.update(str(path).encode() + b"\0" + hashlib.sha256(content).digest())
        packed.append((str(path), content))
    return ProblemBundle(digest.hexdigest(), tuple(packed))


def unpacked(root: Path, digest: str) -> Path | None:
    """Where the bundle ``digest`` was unpacked under ``root``, or None if it was not (yet)."""
    base = root / digest
    return base if (base / _COMPLETE).is_file() else None


def unpack(bundle: ProblemBundle, root: Path) -> Path:
    """Unpack under ``root/<digest>`` (once: built aside and published with one atomic rename)."""
    done = unpacked(root, bundle.digest)
    if done is not None:
        return done
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    staging = Path(tempfile.mkdtemp(prefix=f".{bundle.digest[:16]}.", dir=root))
    try:
        for name, content in bundle.files:
            path = staging / name.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(0o644)
        (staging / _COMPLETE).write_text(bundle.digest)
        for folder, _dirs, _files in os.walk(staging):
            os.chmod(folder, 0o755)  # the sandbox's unprivileged user reads tests and checker sources
        publish_directory(staging, root / bundle.digest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    done = unpacked(root, bundle.digest)
    if done is None:  # pragma: no cover - published just above, by us or by a concurrent unit
        raise ExecutorError(f"problem bundle {bundle.digest[:16]}: not found under {root} after unpacking")
    return done


def _read(path: Path) -> bytes:
    with contextlib.suppress(OSError):
        return path.read_bytes()
    return b""
