"""Problem packages: a zip is checked before anything is unpacked, unpacked safely, loaded, stored.

Checks, in order: the upload's size; that it is a zip; every entry's name (no absolute path, no
``..``, no backslash or NUL), type (regular files and directories only: no symlink, no device) and
flags (no encryption); the number of entries; the total unpacked size and each file's compression
ratio as declared; then, while unpacking, the bytes actually produced (a zip can lie in its headers).

The package is stored in the database (so workers on other machines need no shared disk) with its
JudgeTask whose paths are relative to the unpacked zip; a worker unpacks it once per digest into its
problem cache. Turning a directory into a JudgeTask is the loader's job: the CLI passes one that
reads native problem dirs and Kattis packages (``contests``, a layer above); without one, a package
must carry a ``task.json`` (a JudgeTask with relative paths).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from judge.errors import JudgeError
from judge.service.db import problems
from judge.service.errors import PackageRejected
from judge.service.settings import ServiceSettings
from judge.task import JudgeTask

PackageLoader = Callable[[Path], JudgeTask]
TASK_FILE = "task.json"
_CHUNK = 1 << 16
# Real test data compresses well (a max test of repeated numbers: 500:1 is common); only a large file
# that compresses that well is suspect. The hard guarantee is the unpacked-bytes budget anyway.
BOMB_MIN_BYTES = 16 << 20


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


def load_task_json(root: Path) -> JudgeTask:
    """The loader of judge-native packages: ``task.json`` at the package root, paths relative to it."""
    path = root / TASK_FILE
    if not path.is_file():
        raise PackageRejected(
            f"{TASK_FILE}: missing; this server reads judge-native packages only (a JudgeTask as JSON)"
        )
    try:
        task = JudgeTask.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise PackageRejected(f"{TASK_FILE}: not a valid JudgeTask: {exc.errors()[0]['msg']}") from exc
    return rebase(task, root)


def check_archive(data: bytes, settings: ServiceSettings) -> list[zipfile.ZipInfo]:
    """The entries of a safe zip, or PackageRejected naming the first problem found."""
    if len(data) > settings.max_upload_bytes:
        raise PackageRejected(f"package: {len(data)} bytes, over the limit of {settings.max_upload_bytes}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise PackageRejected(f"package: not a readable zip archive ({exc})") from exc
    if len(infos) > settings.max_package_files:
        raise PackageRejected(
            f"package: {len(infos)} entries, over the limit of {settings.max_package_files}"
        )
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        _check_name(name)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            what = "a symbolic link" if kind == stat.S_IFLNK else "not a regular file"
            raise PackageRejected(f"package entry {name!r}: {what} (store the file itself)")
        if info.flag_bits & 0x1:
            raise PackageRejected(f"package entry {name!r}: encrypted")
        key = name.rstrip("/")
        if key in seen:
            raise PackageRejected(f"package entry {name!r}: appears twice")
        seen.add(key)
        total += info.file_size
        if total > settings.max_unpacked_bytes:
            raise PackageRejected(
                f"package: unpacks to over {settings.max_unpacked_bytes} bytes (at entry {name!r})"
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > BOMB_MIN_BYTES and ratio > settings.max_compression_ratio:
            raise PackageRejected(
                f"package entry {name!r}: compressed {ratio:.0f}:1, "
                f"over {settings.max_compression_ratio:.0f}:1 (a zip bomb?)"
            )
    if not any(not i.is_dir() for i in infos):
        raise PackageRejected("package: the zip holds no files")
    return infos


def _check_name(name: str) -> None:
    if not name or "\x00" in name or "\\" in name:
        raise PackageRejected(f"package entry {name!r}: empty, or contains NUL or a backslash")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise PackageRejected(f"package entry {name!r}: points outside the package")


def unpack(data: bytes, dest: Path, settings: ServiceSettings) -> None:
    """Unpack a zip that passed ``check_archive`` into the new directory ``dest``, counting real bytes."""
    infos = check_archive(data, settings)
    dest.mkdir(parents=True)
    budget = settings.max_unpacked_bytes
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in infos:
            target = dest / info.filename
            written = 0
            try:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        budget -= len(chunk)
                        if written > info.file_size or budget < 0:
                            raise PackageRejected(
                                f"package entry {info.filename!r}: unpacks to more than it declares"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise PackageRejected(f"package entry {info.filename!r}: cannot be unpacked ({why})") from exc
    for path in dest.rglob("*"):  # readable by the sandboxed solution and checker
        path.chmod(0o755 if path.is_dir() else 0o644)
    dest.chmod(0o755)


def package_root(unpacked: Path) -> Path:
    """Where the package starts: the zip's single top-level folder when it has one (``zip -r p.zip p``)."""
    entries = list(unpacked.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else unpacked


def _relative(path: Path, root: Path, field: str) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError as exc:
        raise PackageRejected(f"{field}: {path} lies outside the package") from exc


def relativize(task: JudgeTask, root: Path) -> JudgeTask:
    """``task`` with every path relative to ``root``; a path outside it is an error."""
    return _map_paths(task, lambda p, field: _relative(p, root, field))


def rebase(task: JudgeTask, root: Path) -> JudgeTask:
    """``task`` with its relative paths anchored at ``root``."""
    return _map_paths(task, lambda p, _field: root / p)


def _map_paths(task: JudgeTask, fn: Callable[[Path, str], Path]) -> JudgeTask:
    tests = tuple(
        t.model_copy(update={"input": fn(t.input, f"test {t.index} input"),
                             "answer": fn(t.answer, f"test {t.index} answer")})
        for t in task.tests
    )  # fmt: skip
    checker = task.checker.model_copy(
        update={
            "source": None if task.checker.source is None else fn(task.checker.source, "checker"),
            "include_dirs": tuple(fn(d, "checker include dir") for d in task.checker.include_dirs),
        }
    )
    interactor = task.interactor
    if interactor is not None:
        interactor = interactor.model_copy(
            update={
                "source": fn(interactor.source, "interactor"),
                "include_dirs": tuple(fn(d, "interactor include dir") for d in interactor.include_dirs),
            }
        )
    return task.model_copy(update={"tests": tests, "checker": checker, "interactor": interactor})


def _info(problem_id: str, sha: str, size: int, task: JudgeTask, created_at: float) -> ProblemInfo:
    return ProblemInfo(
        id=problem_id, sha256=sha, size=size, tests=len(task.tests), time_limit=task.time_limit,
        memory_limit=task.memory_limit, interactive=task.interactor is not None,
        checker=str(task.checker.kind), created_at=created_at,
    )  # fmt: skip


class ProblemStore:
    """Problems in the database, unpacked on demand into this host's problem cache."""

    def __init__(
        self, engine: Engine, settings: ServiceSettings, loader: PackageLoader | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings
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
        root = self.settings.problem_cache / row.sha256
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
        final = self.settings.problem_cache / sha
        if final.is_dir():
            return final
        self.settings.problem_cache.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=self.settings.problem_cache))
        try:
            unpack(data, aside / "p", self.settings)
            os.replace(aside / "p", final)
        except OSError:
            if not final.is_dir():  # another process won the race: theirs is as good as ours
                raise
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        return final
