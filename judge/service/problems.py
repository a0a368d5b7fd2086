"""The problem store: packages in the database, unpacked on demand into each host's problem cache.

The package is stored in the database (so workers on other machines need no shared disk) with its
JudgeTask whose paths are relative to the unpacked zip; a worker unpacks it once per digest into its
problem cache. Checking and unpacking a package is ``packages``' job.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from judge.errors import JudgeError
from judge.service.config import ServiceConfig
from judge.service.db import problems
from judge.service.errors import PackageRejected
from judge.service.packages import PackageLoader, load_task_json, package_root, rebase, relativize, unpack
from judge.task import JudgeTask


class ProblemInfo(BaseModel):
    id: str
    sha256: str
    size: int
    tests: int
    time_limit: float
    memory_limit: int
    interactive: bool
    checker: str
    created_at: float


class ProblemExists(PackageRejected):
    """A problem with this id is already stored (ids are immutable: queued jobs refer to them)."""


class UnknownProblem(JudgeError):
    """No problem with this id is stored."""


def _info(problem_id: str, sha: str, size: int, task: JudgeTask, created_at: float) -> ProblemInfo:
    return ProblemInfo(
        id=problem_id, sha256=sha, size=size, tests=len(task.tests), time_limit=task.time_limit,
        memory_limit=task.memory_limit, interactive=task.interactor is not None,
        checker=str(task.checker.kind), created_at=created_at,
    )  # fmt: skip


class ProblemStore:
    """Problems in the database, unpacked on demand into this host's problem cache."""

    def __init__(self, engine: Engine, config: ServiceConfig, loader: PackageLoader | None = None) -> None:
        self.engine = engine
        self.config = config
        self.loader = loader or load_task_json
        self._lock = threading.Lock()
        self._tasks: dict[str, JudgeTask] = {}  # problem id -> task (ids are immutable)

    def add(self, problem_id: str, data: bytes, token_id: int | None = None) -> ProblemInfo:
        """Check, unpack and load the package; store it under ``problem_id`` (which must be new)."""
        if self.exists(problem_id):
            raise ProblemExists(f"problem {problem_id!r}: already exists (ids are immutable)")
        sha = hashlib.sha256(data).hexdigest()
        root = self._unpacked(sha, data)
        try:
            task = self.loader(package_root(root))
        except PackageRejected:
            raise
        except (JudgeError, ValueError, OSError) as exc:
            raise PackageRejected(f"package: {exc}") from exc
        stored = relativize(task.model_copy(update={"id": problem_id}), root)
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    problems.insert().values(
                        id=problem_id, sha256=sha, task_json=stored.model_dump_json(), archive=data,
                        size=len(data), created_at=now, token_id=token_id,
                    )
                )  # fmt: skip
        except IntegrityError as exc:
            raise ProblemExists(f"problem {problem_id!r}: already exists (ids are immutable)") from exc
        return _info(problem_id, sha, len(data), stored, now)

    def exists(self, problem_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(problems.c.id).where(problems.c.id == problem_id)).first() is not None

    def list(self) -> list[ProblemInfo]:
        cols = (
            problems.c.id,
            problems.c.sha256,
            problems.c.size,
            problems.c.task_json,
            problems.c.created_at,
        )
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(problems.c.id)).all()
        return [
            _info(r.id, r.sha256, r.size, JudgeTask.model_validate_json(r.task_json), r.created_at)
            for r in rows
        ]

    def task(self, problem_id: str) -> JudgeTask:
        """The problem's JudgeTask, with paths into this host's unpacked copy."""
        with self._lock:
            cached = self._tasks.get(problem_id)
        if cached is not None:
            return cached
        with self.engine.connect() as conn:
            row = conn.execute(
                select(problems.c.sha256, problems.c.task_json).where(problems.c.id == problem_id)
            ).first()
        if row is None:
            raise UnknownProblem(f"problem {problem_id!r}: not found")
        root = self.config.problem_cache / row.sha256
        if not root.is_dir():
            with self.engine.connect() as conn:
                data = conn.execute(
                    select(problems.c.archive).where(problems.c.id == problem_id)
                ).scalar_one()
            root = self._unpacked(row.sha256, bytes(data))
        task = rebase(JudgeTask.model_validate_json(row.task_json), root)
        with self._lock:
            self._tasks[problem_id] = task
        return task

    def _unpacked(self, sha: str, data: bytes) -> Path:
        """The package unpacked under the cache, once per digest (atomic: unpack aside, then rename)."""
        final = self.config.problem_cache / sha
        if final.is_dir():
            return final
        self.config.problem_cache.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=self.config.problem_cache))
        try:
            unpack(data, aside / "p", self.config)
            os.replace(aside / "p", final)
        except OSError:
            if not final.is_dir():  # another process won the race: theirs is as good as ours
                raise
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        return final
