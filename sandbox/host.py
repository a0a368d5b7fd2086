"""What this host offers the native sandbox: root or a user namespace, which cgroup hierarchy and subtree,
and therefore how each limit will be enforced. ``diagnose`` explains it; ``native`` acts on it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.config import SandboxConfig
from sandbox.result import Enforcement

_NEEDED = ("memory", "pids")


class CgroupHost(BaseModel):
    """The cgroup hierarchy the runs would use."""

    model_config = ConfigDict(frozen=True)

    version: Literal["v1", "v2", "none"] = Field(description="v1: per-controller hierarchies; none: unusable")
    parent: Path | None = Field(
        None, description="v2: the directory under which each run gets its own cgroup"
    )
    delegated: bool = Field(False, description="v2 as non-root: a subtree the system delegated to this user")
    controllers: list[str] = Field(default_factory=list, description="controllers available there")
    reason: str = Field("", description="one line: why this hierarchy, or why none is usable")


class UsernsHost(BaseModel):
    """Whether this user may create the namespaces the sandbox needs without root."""

    model_config = ConfigDict(frozen=True)

    available: bool
    reason: str = Field("", description="one line: the setting that refuses them and what to do")


class HostReport(BaseModel):
    """`cpelo sandbox doctor`: the mode a user gets on this host, why, and what would improve it."""

    model_config = ConfigDict(frozen=True)

    uid: int
    mode: Literal["root", "rootless", "unavailable"] = Field(
        description="root: namespaces and cgroups as root; rootless: an unprivileged user namespace"
    )
    cgroup: CgroupHost
    userns: UsernsHost
    seccomp: bool = Field(description="the kernel filters system calls (seccomp mode 2)")
    enforcement: Enforcement | None = Field(None, description="how runs' limits will be enforced")
    not_enforced: list[str] = Field(default_factory=list, description="limits weaker than on a root host")
    advice: list[str] = Field(default_factory=list, description="one line each: what would improve the mode")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _is_cgroup2(path: Path) -> bool:
    # Every cgroup2 directory carries cgroup.controllers; v1 hierarchies never do.
    return (path / "cgroup.controllers").exists()


def _v2_mount(root: Path) -> Path | None:
    for candidate in (root, root / "unified"):
        if _is_cgroup2(candidate):
            return candidate
    return None


def _own_v2_cgroup(mount: Path, proc_cgroup: str) -> Path | None:
    for line in proc_cgroup.splitlines():
        if line.startswith("0::"):
            rel = line[3:].strip().lstrip("/")
            return mount / rel if rel else mount
    return None


def _writable_cgroup(path: Path, uid: int) -> bool:
    """Delegated to `uid`: its control files are the user's (systemd chowns them; root may write anyway)."""
    for name in ("cgroup.procs", "cgroup.subtree_control"):
        try:
            st = (path / name).stat()
        except OSError:
            return False
        if not (uid == 0 or st.st_uid == uid or st.st_mode & 0o002):
            return False
    return True


def find_cgroup(
    config: SandboxConfig, *, uid: int | None = None, proc_cgroup: str | None = None
) -> CgroupHost:
    """The hierarchy the runner will use: as root, v1 controllers or the v2 root; as another user, the
    highest v2 ancestor of its own cgroup that it may write (how systemd's Delegate=yes hands one over),
    or ``config.cgroup_delegate`` when given."""
    uid = os.geteuid() if uid is None else uid
    root = config.cgroup_root
    v2 = _v2_mount(root)
    if uid == 0:
        if v2 is not None and all(c in _read(v2 / "cgroup.controllers").split() for c in _NEEDED):
            return CgroupHost(
                version="v2",
                parent=v2 / config.cgroup_name,
                controllers=_read(v2 / "cgroup.controllers").split(),
                reason=f"cgroup v2 at {v2}, runs under {v2 / config.cgroup_name}",
            )
        v1 = [c for c in ("memory", "pids", "cpuacct") if os.access(root / c, os.W_OK)]
        if len(v1) == 3:
            return CgroupHost(version="v1", controllers=v1, reason=f"cgroup v1 controllers at {root}")
        return CgroupHost(
            version="none", reason=f"no cgroup v2 with memory+pids and no v1 controllers at {root}"
        )
    if config.cgroup_delegate is not None:
        base = config.cgroup_delegate
        how = f"the configured subtree {base}"
    else:
        if v2 is None:
            return CgroupHost(
                version="none", reason="no cgroup v2 hierarchy: a user can get no delegated cgroup"
            )
        own = _own_v2_cgroup(v2, _read(Path("/proc/self/cgroup")) if proc_cgroup is None else proc_cgroup)
        found = None
        probe = own
        while probe is not None and probe != v2 and probe.is_relative_to(v2):
            if _writable_cgroup(probe, uid):
                found = probe
            probe = probe.parent
        if found is None:
            return CgroupHost(
                version="none",
                reason=f"no cgroup delegated to uid {uid} (neither {own} nor a parent is writable)",
            )
        base = found
        how = f"the subtree delegated to uid {uid}"
    if not _writable_cgroup(base, uid):
        return CgroupHost(
            version="none", reason=f"{how} is not writable (cgroup.procs, cgroup.subtree_control)"
        )
    available = _read(base / "cgroup.controllers").split()
    missing = [c for c in _NEEDED if c not in available]
    if missing:
        return CgroupHost(
            version="none",
            controllers=available,
            reason=f"{how} lacks the {'+'.join(missing)} controller(s) (systemd's Delegate=yes gives them)",
        )
    return CgroupHost(
        version="v2",
        parent=base / config.cgroup_name,
        delegated=True,
        controllers=available,
        reason=f"{how}: {base}",
    )


def check_userns(sysctl: Path = Path("/proc/sys")) -> UsernsHost:
    """Whether unprivileged user namespaces are allowed, and if not, which setting refuses them."""
    clone = _read(sysctl / "kernel/unprivileged_userns_clone").strip()
    if clone == "0":
        return UsernsHost(
            available=False,
            reason="user namespaces are disabled for users (kernel.unprivileged_userns_clone=0); as root: "
            "sysctl -w kernel.unprivileged_userns_clone=1",
        )
    limit = _read(sysctl / "user/max_user_namespaces").strip()
    if limit == "0":
        return UsernsHost(
            available=False,
            reason="user namespaces are disabled (user.max_user_namespaces=0); as root: "
            "sysctl -w user.max_user_namespaces=15000",
        )
    if _read(sysctl / "kernel/apparmor_restrict_unprivileged_userns").strip() == "1":
        return UsernsHost(
            available=False,
            reason="Ubuntu's AppArmor forbids unprivileged user namespaces "
            "(kernel.apparmor_restrict_unprivileged_userns=1); as root either "
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give the runner an AppArmor "
            "profile with 'userns,' (see `cpelo sandbox doctor`)",
        )
    if not Path("/proc/self/ns/user").exists():
        return UsernsHost(available=False, reason="this kernel has no user namespaces (CONFIG_USER_NS)")
    return UsernsHost(available=True, reason="unprivileged user namespaces are allowed")


def _seccomp() -> bool:
    return any(line.startswith("Seccomp:") for line in _read(Path("/proc/self/status")).splitlines())


def diagnose(config: SandboxConfig | None = None) -> HostReport:
    """The native sandbox's mode on this host, with the reasons and what to do."""
    config = config or SandboxConfig()
    uid = os.geteuid()
    cgroup = find_cgroup(config, uid=uid)
    userns = check_userns() if uid != 0 else UsernsHost(available=True, reason="root needs none")
    seccomp = _seccomp()
    advice: list[str] = []
    if uid == 0:
        mode: Literal["root", "rootless", "unavailable"] = (
            "root" if cgroup.version != "none" else "unavailable"
        )
        if cgroup.version == "none":
            advice.append(f"mount cgroup v2 with the memory and pids controllers at {config.cgroup_root}")
    else:
        mode = "rootless" if userns.available else "unavailable"
        if not userns.available:
            advice.append(userns.reason)
        if cgroup.version == "none":
            advice.append(
                "for exact memory/pids/CPU limits of the whole tree, run inside a delegated cgroup: "
                "systemd-run --user --scope -p Delegate=yes .venv/bin/cpelo ... (or run as root)"
            )
    if not seccomp:
        advice.append("this kernel has no seccomp: the native sandbox cannot filter system calls")
        mode = "unavailable"
    enforcement = Enforcement.native(cgroup.version, uid != 0) if mode != "unavailable" else None
    return HostReport(
        uid=uid,
        mode=mode,
        cgroup=cgroup,
        userns=userns,
        seccomp=seccomp,
        enforcement=enforcement,
        not_enforced=enforcement.not_enforced() if enforcement else [],
        advice=advice,
    )
