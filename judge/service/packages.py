"""Problem packages: a zip is checked before anything is unpacked, then unpacked safely.

Checks, in order: the upload's size; that it is a zip; every entry's name (no absolute path, no
``..``, no backslash or NUL), type (regular files and directories only: no symlink, no device) and
flags (no encryption); the number of entries; the total unpacked size and each file's compression
ratio as declared; then, while unpacking, the bytes actually produced (a zip can lie in its headers).

A stored JudgeTask's paths are relative to the unpacked package (``relativize``), anchored again
where a host unpacked it (``rebase``). Turning a directory into a JudgeTask is the loader's job: the
CLI passes one that reads native problem dirs and Kattis packages (``contests``, a layer above);
without one, a package must carry a ``task.json`` (a JudgeTask with relative paths).
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from judge.service.config import ServiceConfig
from judge.service.errors import PackageRejected
from judge.task import JudgeTask

PackageLoader = Callable[[Path], JudgeTask]
TASK_FILE = "task.json"
_CHUNK = 1 << 16
# Real test data compresses well (a max test of repeated numbers: 500:1 is common); only a large file
# that compresses that well is suspect. The hard guarantee is the unpacked-bytes budget anyway.
BOMB_MIN_BYTES = 16 << 20


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


def check_archive(data: bytes, config: ServiceConfig) -> list[zipfile.ZipInfo]:
    """The entries of a safe zip, or PackageRejected naming the first problem found."""
    if len(data) > config.max_upload_bytes:
        raise PackageRejected(f"package: {len(data)} bytes, over the limit of {config.max_upload_bytes}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise PackageRejected(f"package: not a readable zip archive ({exc})") from exc
    if len(infos) > config.max_package_files:
        raise PackageRejected(f"package: {len(infos)} entries, over the limit of {config.max_package_files}")
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
        if total > config.max_unpacked_bytes:
            raise PackageRejected(
                f"package: unpacks to over {config.max_unpacked_bytes} bytes (at entry {name!r})"
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > BOMB_MIN_BYTES and ratio > config.max_compression_ratio:
            raise PackageRejected(
                f"package entry {name!r}: compressed {ratio:.0f}:1, "
                f"over {config.max_compression_ratio:.0f}:1 (a zip bomb?)"
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


def unpack(data: bytes, dest: Path, config: ServiceConfig) -> None:
    """Unpack a zip that passed ``check_archive`` into the new directory ``dest``, counting real bytes."""
    infos = check_archive(data, config)
    dest.mkdir(parents=True)
    budget = config.max_unpacked_bytes
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
    return task.map_paths(lambda p, what: _relative(p, root, what))


def rebase(task: JudgeTask, root: Path) -> JudgeTask:
    """``task`` with its relative paths anchored at ``root``."""
    return task.map_paths(lambda p, _what: root / p)
