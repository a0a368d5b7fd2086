"""The runner server's standby (runner/ahead.c, runner/server.c): the next runner, forked and partly set up
before its request. A run takes what was made ahead only when it was made for the run's own options, the
run's limits are always its own, and nothing a standby made outlives the server."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from sandbox import Limits, MiB, SandboxConfig, Status, drain_cgroup_pool, run
from sandbox.host import find_cgroup
from sandbox.native import read_all
from sandbox.runner_server import close_servers, server_for
from tests.sandbox.conftest import runner_args

pytestmark = pytest.mark.root

ALL = {"cgroup", "netns", "scratch", "root"}


def _served(
    config: SandboxConfig, workdir: Path, limits: Limits, readonly_paths: tuple[Path, ...] = ()
) -> dict[str, object]:
    """One run of /bin/true through this process's runner server, as the native backend starts it: the
    runner's meta line (which says what of the run was made ahead)."""
    meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
    args = runner_args(config, ["/bin/true"], limits, workdir, meta_w, readonly_paths)
    server = server_for(Path(args[0]))
    assert server is not None
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    status_r = server.start(args, [(0, null), (1, null), (2, null), (meta_w, meta_w)])
    os.close(null)
    os.close(meta_w)
    assert status_r is not None
    raw = read_all(meta_r)
    os.close(meta_r)
    os.close(status_r)
    meta: dict[str, object] = json.loads(raw)
    assert meta["status"] == 0, meta
    return meta


def _standby_cgroups(config: SandboxConfig) -> list[str]:
    found = []
    for ctrl in ("memory", "pids", "cpuacct", "unified", ""):
        parent = config.cgroup_root / ctrl / config.cgroup_name
        if parent.is_dir():
            found += [p.name for p in parent.iterdir() if p.is_dir() and re.fullmatch(r"s\d+-\d+", p.name)]
    return found


def test_the_next_run_takes_what_its_standby_made(tmp_path: Path, config: SandboxConfig) -> None:
    close_servers()
    first = _served(config, tmp_path, Limits())
    assert first["ahead"] == ""  # forked on its request: nothing was ready
    second = _served(config, tmp_path, Limits())
    assert set(second["ahead"].split()) == ALL
    assert second["root"] == "prepared" and second["netns"] == "pool"
    # and the standby waiting now holds the cgroup of the run after
    assert _standby_cgroups(config)


def test_what_was_made_for_other_options_is_not_taken(tmp_path: Path, config: SandboxConfig) -> None:
    close_servers()
    _served(config, tmp_path, Limits())
    # a read-only path (outside /tmp: part of the prepared root) the previous options lacked: another
    # root, the same cgroup
    extra = Path("/usr/share")
    other_root = _served(config, tmp_path, Limits(), readonly_paths=(extra,))
    assert "root" not in other_root["ahead"].split() and "cgroup" in other_root["ahead"].split()
    # another tmpfs size: another scratch
    other_disk = _served(config, tmp_path, Limits(disk=32 * MiB), readonly_paths=(extra,))
    assert "scratch" not in other_disk["ahead"].split() and "root" in other_disk["ahead"].split()
    # another cgroup parent: the run makes its own cgroup there
    elsewhere = config.model_copy(update={"cgroup_name": f"{config.cgroup_name}-b"})
    try:
        moved = _served(elsewhere, tmp_path, Limits(disk=32 * MiB), readonly_paths=(extra,))
        assert "cgroup" not in moved["ahead"].split()
    finally:
        drain_cgroup_pool(elsewhere)  # (and the standby's cgroup, with the servers)
        deadline = time.monotonic() + 2.0
        for ctrl in ("memory", "pids", "cpuacct", "unified", ""):
            parent = config.cgroup_root / ctrl / elsewhere.cgroup_name
            while parent.is_dir() and time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    parent.rmdir()
                time.sleep(0.01)


def test_each_run_gets_its_own_limits_on_a_cgroup_claimed_ahead(
    tmp_path: Path, bins: Path, config: SandboxConfig
) -> None:
    # The standby claimed its cgroup under the previous run's options: the limits are written per run.
    big, small = Limits(memory=256 * MiB), Limits(memory=32 * MiB)
    for limits, expect in ((big, Status.OK), (small, Status.MEMORY_LIMIT)) * 2:
        r = run([f"{bins}/alloc", "64"], limits, workdir=tmp_path, readonly_paths=[bins], config=config)
        assert r.status is expect, r
    forks = ["/bin/sh", "-c", "/bin/true & /bin/true & /bin/true & wait"]
    for procs, expect in ((8, Status.OK), (1, Status.NONZERO_EXIT), (8, Status.OK)):
        r = run(forks, Limits(processes=procs), workdir=tmp_path, config=config)
        assert r.status is expect, r


def test_nothing_a_standby_made_outlives_its_server(tmp_path: Path, config: SandboxConfig) -> None:
    for _ in range(3):
        _served(config, tmp_path, Limits())
    assert _standby_cgroups(config)
    pool = config.cache_dir / "netns-pool"
    close_servers()
    assert _standby_cgroups(config) == []
    # no network namespace of the pool is left claimed by a runner that is gone
    for lock in pool.glob("*.lock"):
        holder = lock.read_text().strip()
        if holder and (pool / lock.stem).exists():
            assert Path(f"/proc/{holder}").exists(), f"{lock.name} held by dead pid {holder}"
    if find_cgroup(config).version == "v1":
        assert _standby_cgroups(config) == []
