"""The long-lived judge container of one host process: started on first use, hardened, removed at exit.

Hardening (see the README's docker section for why each item is there):
- no network (``network_mode=none``), read-only root filesystem, a tmpfs for the runner's mount points;
- every capability dropped except the few the trusted runner needs to build the native sandbox inside
  (mount and pid namespaces, its root, the switch to the unprivileged uid): SYS_ADMIN, SYS_CHROOT,
  SETUID, SETGID, CHOWN, DAC_OVERRIDE (its scratch dirs belong to the sandbox uid), KILL, NET_ADMIN
  (bringing up the loopback of each run's own network namespace; the container has no other network).
  Untrusted code never holds them: the runner drops to uid 65534 with no capabilities, no_new_privs and
  its own seccomp filter before exec, inside fresh namespaces;
- ``no-new-privileges``, Docker's default seccomp profile, pids/memory/CPU limits on the container;
- per-run cgroups: a host cgroup directory delegated to the container (bind-mounted writable), which is
  also the container's cgroup parent, so the container's limits cover every run it makes.

Lifetime: the host holds a "lifeline" connection to the agent; when the host process ends in any way the
agent exits and Docker removes the container (``auto_remove``). Containers and their cgroup directories
are labelled with their owner (boot id, pid, process start time) and swept at start when the owner is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.config import SandboxConfig
from sandbox.docker.agent import recv_message, send_message
from sandbox.docker.engine import docker_client
from sandbox.docker.image import AGENT, CGROUP_CONTROLLERS, CGROUP_DIR, RUNNER, SOCKET_DIR, build_image
from sandbox.errors import SandboxUnavailable

LABEL = "cpelo.sandbox"
OWNER_LABEL = "cpelo.owner"
CGROUP_PARENT = "cpelo-docker"
RUNNER_CAPS = ("SYS_ADMIN", "SYS_CHROOT", "SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE", "KILL", "NET_ADMIN")
RUN_TMPFS = "/run"


def _boot_id() -> str:
    return Path("/proc/sys/kernel/random/boot_id").read_text().strip()


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def owner_id(pid: int | None = None) -> str:
    """Who owns a container: this boot, the pid and its start time (pids are reused)."""
    pid = os.getpid() if pid is None else pid
    return f"{_boot_id()}:{pid}:{_start_time(pid)}"


def owner_alive(owner: str) -> bool:
    boot, _, rest = owner.partition(":")
    pid, _, start = rest.partition(":")
    if boot != _boot_id():
        return False
    return pid.isdigit() and _start_time(int(pid)) == start


@dataclass
class Container:
    """One running judge container and the host side of its agent."""

    name: str
    socket_path: Path
    host_dir: Path
    lifeline: socket.socket
    config: SandboxConfig
    extra_roots: dict[Path, bool] = field(default_factory=dict)  # host dir -> writable
    alive: bool = True
    closed: bool = field(default=False, repr=False)

    def connect(self) -> socket.socket:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(self.socket_path))
        except OSError:
            conn.close()
            self.alive = False
            raise
        return conn

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.alive = False
        with contextlib.suppress(OSError):
            self.lifeline.close()
        remove_container(self.name, self.host_dir, self.config.cgroup_root)


def _cgroup_v2(root: Path) -> bool:
    ctl = root / "cgroup.subtree_control"
    return ctl.exists() and {"memory", "pids"} <= set(ctl.read_text().split())


def _delegate_cgroups(config: SandboxConfig, name: str) -> list[tuple[Path, str]]:
    """Creates the container's cgroup parent with the container's limits; returns (host dir, container
    path) pairs to bind-mount writable, where the runner makes one cgroup per run."""
    opts = config.docker
    mounts = []
    if _cgroup_v2(config.cgroup_root):
        parent = config.cgroup_root / CGROUP_PARENT
        parent.mkdir(exist_ok=True)
        (parent / "cgroup.subtree_control").write_text("+memory +pids")
        d = parent / name
        d.mkdir(exist_ok=True)
        (d / "cgroup.subtree_control").write_text("+memory +pids")
        (d / "memory.max").write_text(str(opts.memory))
        (d / "pids.max").write_text(str(opts.pids))
        return [(d, CGROUP_DIR)]
    for ctrl in CGROUP_CONTROLLERS:
        d = config.cgroup_root / ctrl / CGROUP_PARENT / name
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SandboxUnavailable(
                f"cannot create cgroup {d}: {exc.strerror} (per-run memory, pids and CPU-time "
                "limits cannot be enforced in the container)"
            ) from exc
        if ctrl == "memory":
            (d / "memory.limit_in_bytes").write_text(str(opts.memory))
        elif ctrl == "pids":
            (d / "pids.max").write_text(str(opts.pids))
        mounts.append((d, f"{CGROUP_DIR}/{ctrl}"))
    return mounts


def _rmdir_tree(path: Path) -> None:
    """Removes a cgroup directory and its children, deepest first (cgroupfs only allows rmdir)."""
    if not path.is_dir():
        return
    for child in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        with contextlib.suppress(OSError):
            child.rmdir()
    with contextlib.suppress(OSError):
        path.rmdir()


def remove_container(name: str, host_dir: Path | None, cgroup_root: Path) -> None:
    """Removes a container, its cgroup directories (in every controller: Docker makes the container's own
    cgroup under ours in all of them) and its socket dir."""
    import docker.errors

    with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError, SandboxUnavailable):
        docker_client().containers.get(name).remove(force=True)
    for d in [*cgroup_root.glob(f"*/{CGROUP_PARENT}/{name}"), cgroup_root / CGROUP_PARENT / name]:
        _rmdir_tree(d)
    if host_dir is not None:
        shutil.rmtree(host_dir, ignore_errors=True)


def sweep(config: SandboxConfig) -> list[str]:
    """Removes containers (and their cgroups and socket dirs) whose owner process is gone."""
    client = docker_client()
    removed = []
    for c in client.containers.list(all=True, filters={"label": LABEL}):
        owner = c.labels.get(OWNER_LABEL, "")
        if owner_alive(owner):
            continue
        remove_container(c.name, _socket_root(config) / c.name, config.cgroup_root)
        removed.append(c.name)

    # Leftovers of containers Docker already removed (auto_remove) while their owner was killed. Only
    # those of dead owners: a live process may be between creating them and starting its container.
    def orphan(d: Path) -> bool:
        pid = d.name.split("-")[1] if d.name.startswith("cpelo-") and d.name.count("-") == 2 else ""
        return pid.isdigit() and _start_time(int(pid)) is None

    for parent in [*config.cgroup_root.glob(f"*/{CGROUP_PARENT}"), config.cgroup_root / CGROUP_PARENT]:
        if parent.is_dir():
            for d in parent.iterdir():
                if d.is_dir() and orphan(d):
                    _rmdir_tree(d)
    sockets = _socket_root(config)
    if sockets.is_dir():
        for d in sockets.iterdir():
            if orphan(d):
                shutil.rmtree(d, ignore_errors=True)
    return removed


def _socket_root(config: SandboxConfig) -> Path:
    return config.cache_dir / "docker" / "run"


def start_container(config: SandboxConfig, extra_roots: dict[Path, bool] | None = None) -> Container:
    """Starts a hardened judge container for this process and connects its lifeline. ``extra_roots``:
    host dirs besides the configured shared paths to mount at their own path (value: writable)."""
    from docker.types import Mount

    opts = config.docker
    client = docker_client()
    sweep(config)
    tag = build_image(config).tag
    name = f"cpelo-{os.getpid()}-{secrets.token_hex(3)}"
    host_dir = _socket_root(config) / name
    host_dir.mkdir(parents=True, mode=0o700)
    cgroups = _delegate_cgroups(config, name)
    mounts = [Mount(target=SOCKET_DIR, source=str(host_dir), type="bind")]
    mounts += [Mount(target=inner, source=str(d), type="bind") for d, inner in cgroups]
    for shared in opts.shared_paths:
        shared.mkdir(parents=True, exist_ok=True)
        mounts.append(Mount(target=str(shared), source=str(shared), type="bind"))
    for root, writable in sorted((extra_roots or {}).items()):
        mounts.append(Mount(target=str(root), source=str(root), type="bind", read_only=not writable))
    kwargs: dict[str, Any] = {}
    if client.info().get("CgroupDriver") == "cgroupfs":
        kwargs["cgroup_parent"] = f"/{CGROUP_PARENT}/{name}"
    if _cgroup_v2(config.cgroup_root):
        kwargs["cgroupns"] = "host"  # the runner moves programs into cgroups outside the container's own
    kwargs["nano_cpus"] = int((opts.cpus or len(os.sched_getaffinity(0))) * 1e9)
    try:
        client.containers.run(
            tag,
            command=["/usr/bin/python3", "-I", "-S", AGENT, f"{SOCKET_DIR}/agent.sock", RUNNER],
            name=name,
            labels={LABEL: "1", OWNER_LABEL: owner_id()},
            detach=True,
            auto_remove=True,
            network_mode="none",
            read_only=True,
            tmpfs={RUN_TMPFS: "rw,nosuid,nodev,size=16m,mode=755"},
            cap_drop=["ALL"],
            cap_add=list(RUNNER_CAPS),
            security_opt=["no-new-privileges:true"],
            pids_limit=opts.pids,
            mem_limit=opts.memory,
            memswap_limit=opts.memory,
            user="0:0",
            ipc_mode="private",
            mounts=mounts,
            **kwargs,
        )
    except Exception as exc:
        remove_container(name, host_dir, config.cgroup_root)
        raise SandboxUnavailable(f"cannot start the judge container from {tag}: {exc}") from exc
    sock = host_dir / "agent.sock"
    try:
        lifeline = _connect_lifeline(sock, opts.start_timeout, name)
    except SandboxUnavailable:
        remove_container(name, host_dir, config.cgroup_root)
        raise
    return Container(name, sock, host_dir, lifeline, config, dict(extra_roots or {}))


def _connect_lifeline(sock: Path, timeout: float, name: str) -> socket.socket:
    deadline = time.monotonic() + timeout
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(sock))
            send_message(conn, {"op": "lifeline"})
            reply, _ = recv_message(conn)
            if reply.get("ok"):
                return conn
            raise SandboxUnavailable(f"judge container {name}: agent refused the lifeline: {reply}")
        except (OSError, EOFError):
            conn.close()
            if time.monotonic() > deadline:
                raise SandboxUnavailable(
                    f"judge container {name}: its agent did not answer on {sock} within {timeout} s "
                    f"(docker logs {name})"
                ) from None
            time.sleep(0.05)


class ContainerRegistry:
    """This process's containers, made on first use: per sandbox configuration, the newest one mounts
    every extra root asked for so far. A container replaced by a wider one keeps serving the runs it
    has; all are removed at exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._containers: dict[tuple[int, SandboxConfig], list[Container]] = {}
        atexit.register(self.close_all)

    def get(self, config: SandboxConfig, extra_roots: dict[Path, bool] | None = None) -> Container:
        key = (os.getpid(), config)
        needed = extra_roots or {}
        with self._lock:
            live = [c for c in self._containers.get(key, []) if c.alive]
            for c in reversed(live):
                if all(c.extra_roots.get(r) in (w, True) for r, w in needed.items()):
                    return c
            wanted = dict(live[-1].extra_roots) if live else {}
            for r, w in needed.items():
                wanted[r] = wanted.get(r, False) or w
            container = start_container(config, wanted)
            self._containers[key] = [*live, container]
            return container

    def close_all(self) -> None:
        with self._lock:
            mine = [c for (pid, _), cs in self._containers.items() if pid == os.getpid() for c in cs]
            self._containers.clear()
        for c in mine:
            c.close()


@functools.lru_cache(maxsize=1)
def registry() -> ContainerRegistry:
    return ContainerRegistry()


def close_containers() -> None:
    """Removes this process's judge containers now (they are also removed at exit)."""
    registry().close_all()
