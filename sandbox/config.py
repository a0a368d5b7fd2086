"""How the sandbox runs: which backend, and where the native backend keeps its runner and cgroups."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.docker.options import DockerOptions


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "cpelo" / "sandbox"


class SandboxConfig(BaseModel):
    """Backend choice and the host resources the native backend uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Literal["native", "unconfined", "docker"] = Field(
        "native", description="'native': namespaces + cgroups + seccomp; 'unconfined': rlimits only"
    )
    allow_unconfined: bool = Field(
        False, description="explicit opt-in needed to run untrusted code with the unconfined backend"
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir, description="where the compiled runner is cached (by source hash)"
    )
    cgroup_root: Path = Field(Path("/sys/fs/cgroup"), description="mount point of the cgroup hierarchies")
    cgroup_name: str = Field("cpelo", description="parent cgroup under which each run gets its own cgroup")
    cgroup_delegate: Path | None = Field(
        None,
        description="non-root only: a cgroup v2 directory delegated to this user (writable cgroup.procs and "
        "cgroup.subtree_control, memory+pids available); None: the highest writable ancestor of the "
        "process's own cgroup, as systemd's Delegate=yes makes",
    )
    sandbox_uid: int = Field(65534, ge=1, description="unprivileged uid the program runs as (native)")
    sandbox_gid: int = Field(65534, ge=1, description="unprivileged gid the program runs as (native)")
    tmp_size: int | None = Field(None, gt=0, description="bytes of the private /tmp tmpfs; None: limits.disk")
    network: Literal["private", "shared"] = Field(
        "private",
        description="'private': a fresh network namespace per run holding only a loopback, so nothing "
        "(sockets, TIME_WAIT state, abstract unix sockets, /proc/net) crosses runs; 'shared': every run "
        "joins one pre-made loopback-only namespace (made once, kept by a bind mount in cache_dir), which "
        "runs can observe each other through. Neither reaches the host.",
    )
    runner_server: bool = Field(
        True,
        description="native: start runs through one long-lived runner process per judging process (a "
        "fork per run instead of spawning the runner binary); runs spawn their own runner whenever that "
        "server is unavailable",
    )
    compiler: str = Field("gcc", description="C compiler used to build the runner on first use")
    docker: DockerOptions = Field(
        default_factory=DockerOptions, description="the docker backend's image and container limits"
    )
