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
from sandbox.native import read_all
from sandbox.runner_build import runner_path
from sandbox.runner_server import close_servers, server_for
from tests.sandbox.conftest import runner_args

pytestmark = pytest.mark.root

ALL = {"cgroup", "netns", "scratch", "root"}


@pytest.fixture
def config(config: SandboxConfig, worker_id: str, tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    """The suite's config with a cache dir of this worker's own: the pool of network namespaces lives
    there, and one shared with the suite's other worker may be empty when a standby claims from it (the
    standby then makes none ahead, as it should), which is not what these tests are about."""
    own = config.model_copy(update={"cache_dir": config.cache_dir.parent / f"sandbox-standby-{worker_id}"})
    # A new pool is empty until a run's end tops it up. A test's first run and the standby forked with
    # it each claim one: two ready namespaces (a run's end tops the pool up to three, unless another run
    # is topping it up at that moment).
    pool, workdir = own.cache_dir / "netns-pool", tmp_path_factory.mktemp("warm")
    deadline = time.monotonic() + 20.0
    while len(_ready(pool)) < 2 and time.monotonic() < deadline:
        run(["/bin/true"], Limits(), workdir=workdir, config=own)
        time.sleep(0.05)
    assert len(_ready(pool)) >= 2, f"no two network namespaces made ready in {pool}"
    return own


def _ready(pool: Path) -> list[Path]:
    """The pool's entries no runner holds."""
    return [p for p in pool.glob("n*") if "." not in p.name and not p.with_name(f"{p.name}.lock").exists()]


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
    _standby_waits(server.proc.pid)
    return meta


def _standby_waits(server_pid: int) -> str:
    """Returns once the server's standby has made what it makes ahead and sleeps in its blocking
    recvmsg on the judge's socket (fd 3). On a loaded machine the next request can otherwise reach it
    before it first looks, and it then takes that request with nothing made, as it should: a request
    waiting is never kept waiting for what is made ahead. These tests are about what is taken."""
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
            for child in children:
                with contextlib.suppress(OSError):
                    call = Path(f"/proc/{child}/syscall").read_text().split()
                    # recvmsg (47 on x86-64, 212 on arm64) on fd 3 without MSG_DONTWAIT (0x40)
                    if call[:2] in (["47", "0x3"], ["212", "0x3"]) and not int(call[3], 16) & 0x40:
                        return child
        time.sleep(0.002)
    raise AssertionError(f"runner server {server_pid} has no standby waiting after 10 s")


def _holders(pool: Path) -> set[str]:
    """The pids holding the pool's entries (a lock can go between listing and reading: the last run's
    runner may still be cleaning up, its result out before)."""
    found = set()
    for lock in pool.glob("*.lock"):
        with contextlib.suppress(FileNotFoundError):
            found.add(lock.read_text().strip())
    return found


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
    # (the fixture's server has a standby already, and the pool two namespaces ready: the standby forked
    # with this run claims one)
    _served(config, tmp_path, Limits())
    server = server_for(runner_path(config))
    assert server is not None
    standby = _standby_waits(server.proc.pid)
    assert [name for name in _standby_cgroups(config) if name.startswith(f"s{standby}-")]
    pool = config.cache_dir / "netns-pool"
    assert standby in _holders(pool)
    close_servers()
    # The server waits for its standby, which releases what it claimed before it exits.
    assert not Path(f"/proc/{standby}").exists()
    assert not [name for name in _standby_cgroups(config) if name.startswith(f"s{standby}-")]
    assert standby not in _holders(pool)
    # The last run's runner may still be cleaning up (its result was out before): it goes too.
    deadline = time.monotonic() + 5.0
    while _standby_cgroups(config) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _standby_cgroups(config) == []
