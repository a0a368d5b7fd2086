"""The problem store: packages in the database, unpacked on demand into each host's problem cache.

The package is stored in the database (so workers on other machines need no shared disk) with its
JudgeTask whose paths are relative to the unpacked zip; a worker unpacks it once per digest into its
problem cache. Checking and unpacking a package is ``packages``' job.

Every stored row is checked again when it is read (its JSON, and the server's current ceilings): a row
that fails is reported as such in its own entry, so one bad row never breaks a listing, and a worker
refuses to judge it (JUDGE_ERROR naming the reason) instead of running it under absurd limits.
An upload is unpacked into a staging directory that is removed on every path; only an accepted
package's files move into the cache.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from judge.errors import JudgeError
from judge.service.config import ServiceConfig
from judge.service.db import problems
from judge.service.errors import PackageRejected
from judge.service.packages import PackageLoader, load_task_json, package_root, rebase, relativize, unpack
from judge.task import JudgeTask
from sandbox import MiB

log = logging.getLogger("judge.service")


class ProblemInfo(BaseModel):
    id: str
    sha256: str
    size: int
    created_at: float
    tests: int | None = Field(description="None when the stored problem is unusable (see error)")
    time_limit: float | None
    memory_limit: int | None
    interactive: bool | None
    checker: str | None
    error: str | None = Field(
        None, description="why the stored problem cannot be judged (replace or delete it); None when usable"
    )


class ProblemExists(PackageRejected):
    """A problem with this id is already stored (replace it with PUT, or delete it first)."""


class UnknownProblem(JudgeError):
    """No problem with this id is stored."""


class NotOwner(JudgeError):
    """Only the token that uploaded a problem (or an admin) may replace or delete it."""


def check_task(task: JudgeTask, config: ServiceConfig) -> None:
    """PackageRejected naming the field and the server's ceiling a task exceeds, if any."""

    def seconds(field: str, value: float, ceiling: float, name: str) -> None:
        if not math.isfinite(value) or value <= 0:
            raise PackageRejected(f"{field}: {value!r} is not a positive finite number of seconds")
        if value > ceiling:
            raise PackageRejected(f"{field}: {value:g} s, over the server's ceiling {name}={ceiling:g}")

    seconds("time_limit", task.time_limit, config.max_time_limit_s, "max_time_limit_s")
    for field, spec in (("checker.time_limit", task.checker), ("interactor.time_limit", task.interactor)):
        if spec is not None and spec.time_limit is not None:
            ceiling = max(10.0, 4 * config.max_time_limit_s)
            seconds(field, spec.time_limit, ceiling, "max(10, 4 x max_time_limit_s)")
    if task.memory_limit > config.max_memory_bytes:
        raise PackageRejected(
            f"memory_limit: {task.memory_limit // MiB} MiB, over the server's ceiling "
            f"max_memory_bytes={config.max_memory_bytes // MiB} MiB"
        )
    if not task.tests:
        raise PackageRejected("tests: the problem has no test")
    if len(task.tests) > config.max_tests:
        raise PackageRejected(
            f"tests: {len(task.tests)}, over the server's ceiling max_tests={config.max_tests}"
        )
    total = len(task.tests) * task.time_limit
    if total > config.max_cpu_s_per_submission:
        raise PackageRejected(
            f"tests x time_limit: {len(task.tests)} x {task.time_limit:g} = {total:g} CPU seconds per "
            "submission, over the server's ceiling "
            f"max_cpu_s_per_submission={config.max_cpu_s_per_submission:g}"
        )


def _info(problem_id: str, sha: str, size: int, task: JudgeTask, created_at: float) -> ProblemInfo:
    return ProblemInfo(
        id=problem_id, sha256=sha, size=size, tests=len(task.tests), time_limit=task.time_limit,
        memory_limit=task.memory_limit, interactive=task.interactor is not None,
        checker=str(task.checker.kind), created_at=created_at,
    )  # fmt: skip


def _broken(problem_id: str, sha: str, size: int, created_at: float, error: str) -> ProblemInfo:
    return ProblemInfo(
        id=problem_id, sha256=sha, size=size, created_at=created_at, tests=None, time_limit=None,
        memory_limit=None, interactive=None, checker=None, error=error,
    )  # fmt: skip


def _stored_task(task_json: str, config: ServiceConfig) -> JudgeTask:
    """A stored row's task, checked as an upload would be now; PackageRejected when it is unusable."""
    try:
        task = JudgeTask.model_validate_json(task_json)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "task"
        raise PackageRejected(f"{where}: {first['msg']} (stored data)") from exc
    check_task(task, config)
    return task


class ProblemStore:
    """Problems in the database, unpacked on demand into this host's problem cache."""

    def __init__(self, engine: Engine, config: ServiceConfig, loader: PackageLoader | None = None) -> None:
        self.engine = engine
        self.config = config
        self.loader = loader or load_task_json
        self._lock = threading.Lock()
        self._tasks: dict[tuple[str, str, str], JudgeTask] = {}  # (id, sha256, task json) -> task

    def _load(self, problem_id: str, data: bytes) -> tuple[str, JudgeTask, Path]:
        """Check, unpack (into staging) and load a package; (digest, task with relative paths, staging)."""
        sha = hashlib.sha256(data).hexdigest()
        self.config.problem_cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=self.config.problem_cache))
        try:
            root = staging / "p"
            unpack(data, root, self.config)
            try:
                task = self.loader(package_root(root))
            except PackageRejected:
                raise
            except (JudgeError, ValueError, OSError) as exc:
                raise PackageRejected(f"package: {exc}") from exc
            check_task(task, self.config)
            return sha, relativize(task.model_copy(update={"id": problem_id}), root), staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _keep(self, sha: str, staging: Path) -> None:
        """Move an accepted package's files into the cache (unless a copy is there already)."""
        try:
            final = self.config.problem_cache / sha
            if not final.is_dir():
                try:
                    os.replace(staging / "p", final)
                except OSError:
                    if not final.is_dir():
                        raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def add(self, problem_id: str, data: bytes, token_id: int | None = None) -> ProblemInfo:
        """Check, unpack and load the package; store it under ``problem_id`` (which must be new)."""
        if self.exists(problem_id):
            raise ProblemExists(f"problem {problem_id!r}: already exists (replace it with PUT)")
        sha, stored, staging = self._load(problem_id, data)
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
            shutil.rmtree(staging, ignore_errors=True)
            raise ProblemExists(f"problem {problem_id!r}: already exists (replace it with PUT)") from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._keep(sha, staging)
        return _info(problem_id, sha, len(data), stored, now)

    def _owned(self, problem_id: str, token_id: int | None, admin: bool) -> None:
        with self.engine.connect() as conn:
            row = conn.execute(select(problems.c.token_id).where(problems.c.id == problem_id)).first()
        if row is None:
            raise UnknownProblem(f"problem {problem_id!r}: not found")
        if not admin and (row.token_id is None or int(row.token_id) != token_id):
            raise NotOwner(
                f"problem {problem_id!r}: uploaded by another token (an admin token may change it)"
            )

    def replace(
        self, problem_id: str, data: bytes, token_id: int | None, *, admin: bool = False
    ) -> ProblemInfo:
        """Replace a stored problem's package (its uploader or an admin); queued jobs judge the new one."""
        self._owned(problem_id, token_id, admin)
        sha, stored, staging = self._load(problem_id, data)
        now = time.time()
        try:
            with self.engine.begin() as conn:
                done = conn.execute(
                    update(problems).where(problems.c.id == problem_id).values(
                        sha256=sha, task_json=stored.model_dump_json(), archive=data, size=len(data),
                        created_at=now,
                    )
                ).rowcount  # fmt: skip
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if not done:
            shutil.rmtree(staging, ignore_errors=True)
            raise UnknownProblem(f"problem {problem_id!r}: not found (deleted meanwhile)")
        self._keep(sha, staging)
        log.info("problem %r replaced (sha256 %s)", problem_id, sha[:12])
        return _info(problem_id, sha, len(data), stored, now)

    def delete(self, problem_id: str, token_id: int | None, *, admin: bool = False) -> None:
        """Delete a stored problem (its uploader or an admin); its queued jobs end as JUDGE_ERROR."""
        self._owned(problem_id, token_id, admin)
        with self.engine.begin() as conn:
            conn.execute(delete(problems).where(problems.c.id == problem_id))
        log.info("problem %r deleted", problem_id)

    def exists(self, problem_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(problems.c.id).where(problems.c.id == problem_id)).first() is not None

    def _infos(self, problem_id: str | None = None) -> list[ProblemInfo]:
        cols = (
            problems.c.id,
            problems.c.sha256,
            problems.c.size,
            problems.c.task_json,
            problems.c.created_at,
        )
        query = select(*cols).order_by(problems.c.id)
        if problem_id is not None:
            query = query.where(problems.c.id == problem_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found = []
        for r in rows:
            try:
                found.append(
                    _info(r.id, r.sha256, r.size, _stored_task(r.task_json, self.config), r.created_at)
                )
            except PackageRejected as exc:
                found.append(_broken(r.id, r.sha256, r.size, r.created_at, str(exc)))
        return found

    def list(self) -> list[ProblemInfo]:
        """Every stored problem; one that cannot be judged carries its reason in ``error``."""
        return self._infos()

    def info(self, problem_id: str) -> ProblemInfo:
        found = self._infos(problem_id)
        if not found:
            raise UnknownProblem(f"problem {problem_id!r}: not found")
        return found[0]

    def cost(self, problem_id: str) -> float:
        """A submission's worst-case CPU seconds (tests x time limit); PackageRejected when unusable."""
        with self.engine.connect() as conn:
            row = conn.execute(select(problems.c.task_json).where(problems.c.id == problem_id)).first()
        if row is None:
            raise UnknownProblem(f"problem {problem_id!r}: not found")
        task = _stored_task(row.task_json, self.config)
        return len(task.tests) * task.time_limit

    def task(self, problem_id: str) -> JudgeTask:
        """The problem's JudgeTask, with paths into this host's unpacked copy (checked again first)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(problems.c.sha256, problems.c.task_json).where(problems.c.id == problem_id)
            ).first()
        if row is None:
            raise UnknownProblem(f"problem {problem_id!r}: not found")
        key = (problem_id, row.sha256, row.task_json)
        with self._lock:
            cached = self._tasks.get(key)
        if cached is not None:
            return cached
        try:
            stored = _stored_task(row.task_json, self.config)
        except PackageRejected as exc:
            log.warning("refused to judge problem %r: %s", problem_id, exc)
            raise PackageRejected(f"problem {problem_id!r} refused: {exc}") from exc
        root = self.config.problem_cache / row.sha256
        if not root.is_dir():
            with self.engine.connect() as conn:
                data = conn.execute(
                    select(problems.c.archive).where(problems.c.id == problem_id)
                ).scalar_one()
            root = self._unpacked(row.sha256, bytes(data))
        task = rebase(stored, root)
        with self._lock:
            self._tasks = {k: v for k, v in self._tasks.items() if k[0] != problem_id}
            self._tasks[key] = task
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
