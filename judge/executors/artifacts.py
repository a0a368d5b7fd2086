"""Compiled programs as values: an entry of the compile cache, taken out on one node, put in on another.

A cluster compiles each program once (a task keyed by its source) and ships the cache entry through
Ray's object store to the nodes that judge it, which publish it in their own compile cache under the
same key; ``Judge.judge`` there then finds it and runs no compiler. The entry holds the compiler's
verdict too, so a compilation error is also decided once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from judge.compile_cache import CompileCache
from judge.compiler import Program


@dataclass(frozen=True)
class CompiledEntry:
    """One compile-cache entry, detached from any disk."""

    key: str
    ok: bool
    log: str
    files: tuple[tuple[str, int, bytes], ...]  # (path relative to the entry's files/, mode, content)
    links: tuple[tuple[str, str], ...] = ()  # (path, symlink target)
    dirs: tuple[str, ...] = ()  # every directory, so that empty ones survive the trip

    @property
    def size(self) -> int:
        return sum(len(content) for _, _, content in self.files)


def entry_key(program: Program, cache: CompileCache) -> str | None:
    """The cache key a program was published under, or None if it is not in ``cache`` (a compiler
    that ran out of time is not cached: it may not happen again)."""
    entry = program.files.parent
    if program.files.name != "files" or entry.parent.parent != cache.root:
        return None
    return entry.name if cache.get(entry.name) is not None else None


def export_entry(cache: CompileCache, key: str) -> CompiledEntry | None:
    hit = cache.get(key)
    if hit is None:
        return None
    files: list[tuple[str, int, bytes]] = []
    links: list[tuple[str, str]] = []
    dirs: list[str] = []
    for root, dirnames, filenames in os.walk(hit.files):
        base = Path(root)
        for name, is_dir in [(d, True) for d in sorted(dirnames)] + [(f, False) for f in sorted(filenames)]:
            path = base / name
            rel = str(path.relative_to(hit.files))
            if path.is_symlink():  # a link to a directory is listed among dirnames, and not walked
                links.append((rel, os.readlink(path)))
            elif is_dir:
                dirs.append(rel)
            else:
                files.append((rel, path.stat().st_mode & 0o777, path.read_bytes()))
    return CompiledEntry(key, hit.ok, hit.log, tuple(files), tuple(links), tuple(dirs))


def import_entry(cache: CompileCache, entry: CompiledEntry) -> bool:
    """Publish ``entry`` in ``cache`` unless it is there already; True when this call published it."""
    if cache.get(entry.key) is not None:
        return False
    staging = Path(tempfile.mkdtemp(prefix=f"import-{entry.key[:16]}.", dir=cache.root / "tmp"))
    try:
        tree = staging / "files"
        tree.mkdir()
        for rel in entry.dirs:
            (tree / rel).mkdir(parents=True, exist_ok=True)
        for rel, mode, content in entry.files:
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(mode)
        for rel, target in entry.links:
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target)
        cache.put(entry.key, ok=entry.ok, log=entry.log, files=tree if entry.ok else None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True
