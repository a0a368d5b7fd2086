"""A content-addressed cache of compiled programs (and of compilation errors) on disk.

Key: language id, toolchain identity, compile flags, and every source file's name and content.
An entry is a directory ``<root>/<key[:2]>/<key>/`` holding ``meta.json`` and ``files/``. It is
built in ``<root>/tmp/`` and published with one rename(2), which is atomic: readers see either no
entry or a complete one, concurrent writers of the same key race harmlessly (the loser discards its
copy), and a crash mid-write leaves only a temporary directory, swept when it is old.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
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


class CompileCache:
    def __init__(self, root: Path) -> None:
        self.root = root
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
            meta = staging / "meta.json"
            with open(meta, "w") as f:
                json.dump({"ok": ok, "log": log, "created": time.time()}, f)
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
        return entry

    def _sweep_stale_tmp(self) -> None:
        now = time.time()
        for leftover in (self.root / "tmp").iterdir():
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > _STALE_TMP_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)
