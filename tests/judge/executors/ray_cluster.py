"""A real Ray cluster on this machine for the tests: a head node and a second node, one CPU each.

Each node is a `ray start --block` process in its own session, so that stopping a node is killing
its process group (never `ray stop`, which would stop every Ray process of the machine). Each node
has its own compile cache (its default, under its own XDG_CACHE_HOME), as separate machines would.
Kept light: no dashboard, no usage stats, no metrics, a 100 MB object store.

Under pytest-xdist the workers share one cluster: the first to need it starts it, the last to leave
stops it (a lock file and a user count beside the workers' temp dirs).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

RAY = Path(sys.executable).with_name("ray")
OBJECT_STORE_BYTES = 100 * 1000 * 1000
START_TIMEOUT_S = 120.0
# Set explicitly, for the nodes and for the drivers alike: left unset, Ray turns token authentication on
# for `ray start` as soon as a token file exists (~/.ray/auth_token, written by any local `ray.init()`),
# and a driver that did not look for it is then refused.
AUTH_MODE = "disabled"


@dataclass
class Cluster:
    address: str
    root: Path
    pgids: list[int]
    compile_caches: list[Path]  # one per node, head first
    ray_temp: Path

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["root"] = str(self.root)
        d["ray_temp"] = str(self.ray_temp)
        d["compile_caches"] = [str(p) for p in self.compile_caches]
        return d

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Cluster:
        caches = d["compile_caches"]
        pgids = d["pgids"]
        assert isinstance(caches, list) and isinstance(pgids, list)
        return cls(
            str(d["address"]), Path(str(d["root"])), [int(p) for p in pgids], [Path(p) for p in caches],
            Path(str(d["ray_temp"])),
        )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _node_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RAY_USAGE_STATS_ENABLED="0",
        RAY_DISABLE_DOCKER_CPU_WARNING="1",
        RAY_enable_metrics_collection="0",
        RAY_AUTH_MODE=AUTH_MODE,
        RAY_DEDUP_LOGS="0",
        XDG_CACHE_HOME=str(cache.parents[1]),  # the node's default compile cache: <it>/cpelo/compile
    )
    env.pop("RAY_ADDRESS", None)
    return env


def _ports() -> list[str]:
    return [
        f"--node-manager-port={free_port()}",
        f"--object-manager-port={free_port()}",
        f"--metrics-export-port={free_port()}",
        f"--dashboard-agent-listen-port={free_port()}",
        f"--dashboard-agent-grpc-port={free_port()}",
        f"--runtime-env-agent-port={free_port()}",
    ]


def _spawn(args: list[str], cache: Path, log: Path) -> subprocess.Popen[bytes]:
    cache.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(RAY), "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
             f"--object-store-memory={OBJECT_STORE_BYTES}", *_ports(), *args],
            env=_node_env(cache), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray head exited ({proc.returncode}); log: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.3)
    raise RuntimeError(f"ray head: port {port} not open after {START_TIMEOUT_S:.0f} s")


def start(root: Path) -> tuple[Cluster, list[subprocess.Popen[bytes]]]:
    """Start a head and a second node; returns once the head accepts connections."""
    # Ray's unix sockets live under its temp dir, whose path must stay short (108 bytes).
    temp = Path(tempfile.mkdtemp(prefix="cpray-", dir="/tmp"))
    port = free_port()
    head_cache, node_cache = root / "head" / "cpelo" / "compile", root / "node2" / "cpelo" / "compile"
    head = _spawn(
        ["--head", f"--port={port}", "--include-dashboard=false", "--disable-usage-stats",
         f"--temp-dir={temp / 'head'}"],
        head_cache, root / "head.log",
    )  # fmt: skip
    try:
        _wait_port(port, head, root / "head.log")
        node = _spawn(
            [f"--address=127.0.0.1:{port}", f"--temp-dir={temp / 'node2'}"], node_cache, root / "node2.log"
        )
    except BaseException:
        stop_groups([head.pid])
        head.wait(timeout=10)
        shutil.rmtree(temp, ignore_errors=True)
        raise
    cluster = Cluster(f"127.0.0.1:{port}", root, [head.pid, node.pid], [head_cache, node_cache], temp)
    return cluster, [head, node]


def _members(pgids: list[int]) -> list[int]:
    """Live (non-zombie) processes in these process groups."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) in pgids:
            found.append(int(proc.name))
    return found


def stop_groups(pgids: list[int], grace_s: float = 10.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in pgids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + grace_s
        while _members(pgids) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not _members(pgids):
            return


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def shared_cluster(base: Path) -> Iterator[Cluster]:
    """The cluster of this test run (started by the first user, stopped by the last)."""
    state, lock = base / "ray-cluster.json", base / "ray-cluster.lock"
    procs: list[subprocess.Popen[bytes]] = []  # the nodes, when this process started them
    with _locked(lock):
        data = json.loads(state.read_text()) if state.is_file() else None
        if data is None or not _members(data["cluster"]["pgids"]):
            root = base / f"ray-cluster-{os.getpid()}"
            root.mkdir(parents=True, exist_ok=True)
            cluster, procs = start(root)
            data = {"cluster": cluster.to_json(), "users": 0}
        data["users"] += 1
        state.write_text(json.dumps(data))
    try:
        yield Cluster.from_json(data["cluster"])
    finally:
        # The starter leaves last, so that it reaps its `ray start` processes (this machine's init
        # does not reap orphans: they would stay zombies).
        deadline = time.monotonic() + 900
        while procs and time.monotonic() < deadline:
            with _locked(lock):
                if json.loads(state.read_text())["users"] <= 1:
                    break
            time.sleep(0.5)
        with _locked(lock):
            data = json.loads(state.read_text())
            data["users"] -= 1
            if data["users"] <= 0:
                stop_groups(data["cluster"]["pgids"])
                shutil.rmtree(data["cluster"]["ray_temp"], ignore_errors=True)
                state.unlink()
            else:
                state.write_text(json.dumps(data))
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
