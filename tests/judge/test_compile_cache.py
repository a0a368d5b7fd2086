"""The compile cache: content-addressed, concurrent writers, crash in the middle of a write."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from judge.compile_cache import CompileCache, cache_key
from judge.judge import Judge


def _files(tmp: Path, name: str, count: int = 50, size: int = 4096) -> Path:
    files = tmp / name
    files.mkdir()
    for i in range(count):
        (files / f"part{i:03d}.bin").write_bytes(bytes([i % 256]) * size)
    return files


@given(
    st.dictionaries(st.text(min_size=1, max_size=8), st.binary(max_size=64), min_size=1, max_size=4),
    st.text(max_size=8),
)
@settings(max_examples=50)
def test_key_changes_with_every_ingredient(sources: dict[str, bytes], extra: str) -> None:
    base = cache_key("cpp17", "g++:1", "-O2", sources)
    assert base == cache_key("cpp17", "g++:1", "-O2", dict(reversed(list(sources.items()))))
    assert base != cache_key("cpp20", "g++:1", "-O2", sources)
    assert base != cache_key("cpp17", "g++:2", "-O2", sources)
    assert base != cache_key("cpp17", "g++:1", "-O2 -g", sources)
    name = next(iter(sources))
    assert base != cache_key(
        "cpp17", "g++:1", "-O2", {**sources, name: sources[name] + b"x" + extra.encode()}
    )


def test_concurrent_writers_publish_one_complete_entry(tmp_path: Path) -> None:
    cache = CompileCache(tmp_path / "cache")
    files = _files(tmp_path, "build")
    key = "ab" * 32
    errors: list[BaseException] = []

    def write() -> None:
        try:
            entry = cache.put(key, ok=True, log="warning", files=files)
            assert len(list(entry.files.iterdir())) == 50
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entry = cache.get(key)
    assert entry is not None and entry.ok and entry.log == "warning"
    assert sorted(p.name for p in entry.files.iterdir()) == sorted(p.name for p in files.iterdir())
    assert list((tmp_path / "cache" / "tmp").iterdir()) == []  # the losers cleaned up


def _slow_put(root: str, files: str, key: str) -> None:
    CompileCache(Path(root)).put(key, ok=True, log="", files=Path(files))


def test_crash_mid_write_leaves_no_corrupt_entry(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = CompileCache(root)
    files = _files(tmp_path, "big", count=400, size=32 * 1024)
    ctx = multiprocessing.get_context("fork")
    for attempt, delay in enumerate((0.0, 0.005, 0.02, 0.05)):
        key = f"{attempt:02d}" + "c" * 62
        proc = ctx.Process(target=_slow_put, args=(str(root), str(files), key))
        proc.start()
        time.sleep(delay)
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        entry = cache.get(key)
        # Either the writer finished before the kill (a complete entry) or nothing is visible.
        assert entry is None or len(list(entry.files.iterdir())) == 400
        again = cache.put(key, ok=True, log="", files=files)
        assert len(list(again.files.iterdir())) == 400


def test_compile_errors_are_cached(judge: Judge) -> None:
    code = "int main() { return undefined_thing; }\n"
    first = judge.compile(code, "cpp17")
    second = judge.compile(code, "cpp17")
    assert not first.ok and "undefined_thing" in first.log
    assert second.cached and not second.ok and second.log == first.log
