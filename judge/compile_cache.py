"""A content-addressed cache of compiled programs (and of compilation errors) on disk.

Key: language id, toolchain identity, compile flags, and every source file's name and content.
An entry is a directory ``<root>/<key[:2]>/<key>/`` holding ``meta.json`` and ``files/``. It is
built in ``<root>/tmp/`` and published with one rename(2), which is atomic: readers see either no
entry or a complete one, concurrent writers of the same key race harmlessly (the loser discards its
copy), and a crash mid-write leaves only a temporary directory, swept when it is old.

Budget: the cache holds at most ``max_bytes`` of programs (default 2 GiB), each at most
``max_entry_bytes`` (64 MiB; a bigger program is judged uncached, judge.compiler). Reading an entry
touches its ``meta.json`` (the recency), and each publish evicts the least recently used entries until
the total fits; the entry just published, and any used in the last two minutes (a judge may be copying
it), are never evicted, so the cache may pass its budget for that long. An evicted entry is renamed into
``tmp/`` first (one atomic step: readers see it or not) and removed there. Entries are the judge's:
directories 0755, files 0644 (0755 when executable), owned by the user running the judge; symlinks
are not kept.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from judge.errors import CompileCacheError


def publish_directory(staging: Path, final: Path) -> None:
    """Move a complete staging directory to ``final`` in one rename. Entries are content-addressed, so
    when a concurrent writer published ``final`` first, its content is ours and the loser just drops out
    (the caller removes its staging directory)."""
    try:
        os.rename(staging, final)
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise


_STALE_TMP_SECONDS = 3600.0
DEFAULT_MAX_BYTES = 2 * 1024**3
DEFAULT_MAX_ENTRY_BYTES = 64 * 1024**2
# An entry used this recently is not evicted: a judge may be copying it (Program.install) right now.
_EVICTION_GRACE_SECONDS = 120.0


@dataclass(frozen=True)
class CacheEntry:
    key: str
    ok: bool  # False: the sources do not compile; ``log`` says why
    log: str
    files: Path  # the compiled program's directory (empty for a compilation error)


def cache_key(language_id: str, toolchain: str, flags: str, sources: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for part in (language_id, toolchain, flags):
        digest.update(part.encode() + b"\0")
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + hashlib.sha256(sources[name]).digest())
    return digest.hexdigest()


def tree_size(path: Path) -> int:
    """Bytes of the regular files under ``path`` (symlinks not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(dirpath, name))
                if stat.S_ISREG(st.st_mode):
                    total += st.st_size
    return total


def seal(path: Path) -> None:
    """Read-only for everyone but the owner: directories 0755, files 0644 or 0755; symlinks removed
    (never chmod through one: it could point anywhere on the host)."""
    os.chmod(path, 0o755)
    for dirpath, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                os.unlink(full)
            elif stat.S_ISDIR(st.st_mode):
                os.chmod(full, 0o755)
            else:
                os.chmod(full, 0o755 if st.st_mode & 0o111 else 0o644)


class CompileCache:
    def __init__(
        self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes  # one compiled program; bigger: judged uncached
        self.grace = _EVICTION_GRACE_SECONDS
        try:
            (root / "tmp").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CompileCacheError(f"compile cache {root}: cannot create it ({exc.strerror})") from exc
        if not os.access(root, os.W_OK):
            raise CompileCacheError(f"compile cache {root}: not writable")

    def _entry_dir(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> CacheEntry | None:
        entry = self._entry_dir(key)
        try:
            meta = json.loads((entry / "meta.json").read_text())
        except (OSError, ValueError):
            return None
        with contextlib.suppress(OSError):
            os.utime(entry / "meta.json")  # recency, for the eviction order
        return CacheEntry(key=key, ok=bool(meta["ok"]), log=str(meta["log"]), files=entry / "files")

    def put(self, key: str, *, ok: bool, log: str, files: Path | None) -> CacheEntry:
        """Publish an entry (copying ``files``); if another writer published it first, keep theirs."""
        self._sweep_stale_tmp()
        staging = Path(tempfile.mkdtemp(prefix=f"{key[:16]}.", dir=self.root / "tmp"))
        try:
            target = staging / "files"
            if files is not None and ok:
                shutil.copytree(files, target, symlinks=True)
            else:
                target.mkdir()
            seal(target)
            meta = staging / "meta.json"
            with open(meta, "w") as f:
                json.dump({"ok": ok, "log": log, "created": time.time(), "size": tree_size(target)}, f)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(staging, 0o755)
            final = self._entry_dir(key)
            final.parent.mkdir(exist_ok=True)
            publish_directory(staging, final)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        entry = self.get(key)
        if entry is None:  # pragma: no cover - the entry was just published
            raise CompileCacheError(f"compile cache {self.root}: entry {key} vanished after publishing")
        self.evict(keep=key)
        return entry

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, directory) of every entry, least recently used first."""
        found = []
        for meta in self.root.glob("??/*/meta.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                used = meta.stat().st_mtime
                size = int(json.loads(meta.read_text()).get("size", 0)) + len(meta.read_bytes())
                found.append((used, size, meta.parent))
        return sorted(found)

    def size(self) -> int:
        return sum(size for _, size, _ in self.entries())

    def evict(self, keep: str = "") -> None:
        """Remove least recently used entries until the cache fits in ``max_bytes``."""
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        recent = time.time() - self.grace
        for used, size, entry in entries:
            if total <= self.max_bytes or used > recent:
                break
            if entry.name == keep:
                continue
            doomed = self.root / "tmp" / f"evicted.{entry.name[:16]}.{os.getpid()}.{time.monotonic_ns()}"
            try:
                os.rename(entry, doomed)  # atomic: gone for readers at once
            except OSError:
                continue  # evicted by a concurrent writer
            shutil.rmtree(doomed, ignore_errors=True)
            total -= size

    def _sweep_stale_tmp(self) -> None:
        now = time.time()
        for leftover in (self.root / "tmp").iterdir():
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > _STALE_TMP_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)
