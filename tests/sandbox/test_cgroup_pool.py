"""The pool of never-used cgroups (cgroup v1): each run gets a cgroup no other run touched, the pool
stays small and empty, and the sandbox's own cleanup removes it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox import Limits, MiB, SandboxConfig, Status, drain_cgroup_pool, run
from sandbox.cgroup_pool import pool_entries
from sandbox.host import find_cgroup
from sandbox.runner_protocol import CGROUP_POOL

pytestmark = pytest.mark.root


def _v1(config: SandboxConfig) -> None:
    if find_cgroup(config).version != "v1":
        pytest.skip("the pool is a cgroup v1 mechanism (v2 cannot rename a cgroup)")


def _settled_pool(config: SandboxConfig) -> list[Path]:
    """The pool once the last runner's refill is over (it runs after the result is out)."""
    deadline = time.monotonic() + 2.0
    entries = pool_entries(config)
    while len(entries) < 3 * CGROUP_POOL and time.monotonic() < deadline:
        time.sleep(0.01)
        entries = pool_entries(config)
    return entries


def _read(path: Path) -> str:
    return path.read_text().strip()


def test_pool_entries_are_never_used(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    _v1(config)
    for _ in range(3):
        assert run(["/bin/true"], Limits(), workdir=tmp_path, config=config).status == Status.OK
    entries = _settled_pool(config)
    # one name in the three hierarchies, CGROUP_POOL of them: a bounded pool, whole entries only
    assert len(entries) == 3 * CGROUP_POOL
    assert len({e.name for e in entries}) == CGROUP_POOL
    for e in entries:
        assert _read(e / "tasks") == "" and _read(e / "cgroup.procs") == ""
        ctrl = e.parent.parent.name
        if ctrl == "memory":
            assert _read(e / "memory.max_usage_in_bytes") == "0" and _read(e / "memory.failcnt") == "0"
        elif ctrl == "cpuacct":
            assert _read(e / "cpuacct.usage") == "0"
        else:
            assert _read(e / "pids.current") == "0" and "max 0" in _read(e / "pids.events")


def test_each_run_claims_a_fresh_cgroup(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    _v1(config)
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)
    before = {e.name for e in _settled_pool(config)}
    # A run that fills 48 MiB: a cgroup reused after it would carry that peak into the next run.
    hog = run([f"{bins}/alloc", "48"], Limits(memory=256 * MiB), workdir=tmp_path, readonly_paths=[bins],
              config=config)  # fmt: skip
    assert hog.status == Status.OK and hog.peak_memory >= 48 * MiB
    after = {e.name for e in _settled_pool(config)}
    assert len(before - after) == 1  # the hog's cgroup came from the pool and did not go back
    for _ in range(CGROUP_POOL + 1):
        r = run(["/bin/true"], Limits(memory=64 * MiB), workdir=tmp_path, config=config)
        assert r.status == Status.OK and r.peak_memory < 8 * MiB


def test_parallel_runs_never_share_a_cgroup(tmp_path: Path, bins: Path, config: SandboxConfig) -> None:
    _v1(config)
    sizes = [8, 24, 40, 56] * 3

    def one(i: int) -> int:
        work = tmp_path / str(i)
        work.mkdir()
        r = run([f"{bins}/alloc", str(sizes[i])], Limits(memory=256 * MiB), workdir=work,
                readonly_paths=[bins], config=config)  # fmt: skip
        assert r.status == Status.OK
        return r.peak_memory

    with ThreadPoolExecutor(4) as pool:
        peaks = list(pool.map(one, range(len(sizes))))
    # each peak is its own run's: a shared cgroup would report the larger one of the two
    for size, peak in zip(sizes, peaks, strict=True):
        assert size * MiB <= peak < (size + 8) * MiB
    assert len(_settled_pool(config)) <= 3 * CGROUP_POOL


def test_drain_removes_the_pool(tmp_path: Path, config: SandboxConfig) -> None:
    _v1(config)
    run(["/bin/true"], Limits(), workdir=tmp_path, config=config)
    assert _settled_pool(config)
    assert drain_cgroup_pool(config) == 3 * CGROUP_POOL
    assert pool_entries(config) == []
    # and a run without a pool makes its own cgroup
    assert run(["/bin/true"], Limits(), workdir=tmp_path, config=config).status == Status.OK
