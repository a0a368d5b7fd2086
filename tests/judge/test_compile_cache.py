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


def _put(cache: CompileCache, key: str, tmp: Path, size: int) -> None:
    files = tmp / f"files-{key[:4]}"
    files.mkdir()
    (files / "prog").write_bytes(b"\0" * size)
    cache.put(key, ok=True, log="", files=files)


def test_least_recently_used_entries_are_evicted_over_the_budget(tmp_path: Path) -> None:
    cache = CompileCache(tmp_path / "cache", max_bytes=250_000)
    keys = [f"{i:02d}" + "e" * 62 for i in range(4)]
    for i, key in enumerate(keys[:3]):
        _put(cache, key, tmp_path, 80_000)
        os.utime(cache._entry_dir(key) / "meta.json", (1000 + i, 1000 + i))  # distinct, ordered uses
    assert cache.get(keys[0]) is not None  # used last now: the least recently used is keys[1]
    _put(cache, keys[3], tmp_path, 80_000)
    assert [cache.get(k) is not None for k in keys] == [True, False, True, True]
    assert cache.size() <= 250_000
    recent = CompileCache(tmp_path / "cache", max_bytes=1)
    recent.evict()
    assert recent.get(keys[3]) is not None  # used a moment ago: kept over the budget for a while
    assert [p.name for p in (tmp_path / "cache" / "tmp").iterdir()] == []  # evicted entries removed


def test_the_entry_just_published_is_kept_even_alone_over_budget(tmp_path: Path) -> None:
    cache = CompileCache(tmp_path / "cache", max_bytes=1000)
    cache.grace = 0.0
    _put(cache, "aa" * 32, tmp_path, 5000)
    _put(cache, "bb" * 32, tmp_path, 5000)
    assert cache.get("aa" * 32) is None and cache.get("bb" * 32) is not None


def test_entries_are_read_only_and_the_judges(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "sub").mkdir(parents=True)
    (build / "prog").write_bytes(b"\x7fELF")
    (build / "prog").chmod(0o777)
    (build / "data").write_bytes(b"x")
    (build / "data").chmod(0o666)
    (build / "sub").chmod(0o777)
    (build / "link").symlink_to("/etc/hostname")
    entry = CompileCache(tmp_path / "cache").put("cd" * 32, ok=True, log="", files=build)
    modes = {p.name: p.lstat().st_mode & 0o7777 for p in entry.files.iterdir()}
    assert modes == {"prog": 0o755, "data": 0o644, "sub": 0o755}  # no symlink kept
    assert entry.files.stat().st_mode & 0o7777 == 0o755
    assert {p.lstat().st_uid for p in entry.files.rglob("*")} == {os.getuid()}


def test_concurrent_writers_under_a_tight_budget(tmp_path: Path) -> None:
    cache = CompileCache(tmp_path / "cache", max_bytes=100_000)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(6):
                key = f"{n}{i}" + "f" * 62
                files = tmp_path / f"w{n}-{i}"
                files.mkdir()
                (files / "prog").write_bytes(b"\1" * 30_000)
                entry = cache.put(key, ok=True, log="", files=files)
                assert (entry.files / "prog").stat().st_size == 30_000
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []  # entries in use (just published) are never evicted under a writer
    assert len(cache.entries()) == 24
    cache.grace = 0.0
    cache.evict()
    assert cache.size() <= 100_000
    for _, _, entry in cache.entries():
        assert (entry / "files" / "prog").stat().st_size == 30_000  # only complete entries remain


def test_a_huge_program_is_a_compilation_error(tmp_path: Path, judge: Judge) -> None:
    from judge.config import JudgeConfig

    small = Judge(
        JudgeConfig(compile_cache=tmp_path / "cache", max_program_bytes=8 << 20, sandbox=judge.sandbox_config)
    )
    program = small.compile('asm(".fill 32 << 20, 1, 0");\nint main() {}\n', "cpp17")
    assert not program.ok and "limit of 8.0 MiB for one program" in program.log, program.log
    assert small.cache.size() < 1 << 20
    fits = small.compile('asm(".fill 4 << 20, 1, 0");\nint main() {}\n', "cpp17")
    assert fits.ok, fits.log


def test_a_program_too_big_for_the_cache_is_judged_uncached(tmp_path: Path, judge: Judge) -> None:
    """Over the cache's entry size but within the program limit (DOMjudge's hello test-memstatic: a
    512 MiB static array): not a compilation error, judged from a scratch copy, nothing cached."""
    from judge.config import JudgeConfig
    from judge.task import JudgeTask, TestCase
    from judge.verdict import Verdict

    small = Judge(
        JudgeConfig(
            compile_cache=tmp_path / "cache",
            compile_cache_max_entry_bytes=2 << 20,
            max_program_bytes=64 << 20,
            work_dir=tmp_path / "work",
            sandbox=judge.sandbox_config,
        )
    )
    code = '#include <cstdio>\nchar a[8 << 20] = {1};\nint main() { std::puts(a[0] == 1 ? "big" : "?"); }\n'
    program = small.compile(code, "cpp17")
    assert program.ok and not program.cached, program.log
    assert small.cache.size() < 1 << 20
    (tmp_path / "in").write_text("")
    (tmp_path / "ans").write_text("big\n")
    test = TestCase(index=1, input=tmp_path / "in", answer=tmp_path / "ans")
    task = JudgeTask(id="big", tests=(test,), time_limit=2.0)
    result = small.judge(task, code, "cpp17")
    assert result.verdict is Verdict.OK, result
    assert small.cache.size() < 1 << 20
    assert not any((tmp_path / "work").iterdir())  # the uncached copy went with the judging's scratch
