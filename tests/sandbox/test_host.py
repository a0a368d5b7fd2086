"""sandbox.host: which cgroup a user gets and why user namespaces are refused, on directory trees laid out
as cgroupfs and /proc/sys are (the real cgroup v2 and delegation run in scripts/vm-test.sh's VM)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import SandboxConfig
from sandbox.host import check_userns, diagnose, find_cgroup
from sandbox.result import Enforcement

SCOPE = "user.slice/user-1000.slice/user@1000.service/app.slice/run-1.scope"
SERVICE = "user.slice/user-1000.slice/user@1000.service"


def cgroup_dir(path: Path, controllers: str, owner: int = 0) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("cgroup.controllers", controllers),
        ("cgroup.procs", ""),
        ("cgroup.subtree_control", ""),
    ):
        (path / name).write_text(text)
        if os.geteuid() == 0:
            os.chown(path / name, owner, owner)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A v2 hierarchy as systemd leaves it: user@1000.service and below delegated to uid 1000."""
    cgroup_dir(tmp_path, "cpu memory pids")
    cgroup_dir(tmp_path / "user.slice", "cpu memory pids")
    cgroup_dir(tmp_path / "user.slice/user-1000.slice", "cpu memory pids")
    cgroup_dir(tmp_path / SERVICE, "cpu memory pids", owner=1000)
    cgroup_dir(tmp_path / SERVICE / "app.slice", "cpu memory pids", owner=1000)
    cgroup_dir(tmp_path / SCOPE, "cpu memory pids", owner=1000)
    cgroup_dir(tmp_path / "user.slice/user-1000.slice/session-2.scope", "cpu memory pids")
    return tmp_path


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the tree's owners are set with chown (root)")


@needs_root
def test_highest_delegated_ancestor_of_the_users_cgroup(tree: Path) -> None:
    found = find_cgroup(SandboxConfig(cgroup_root=tree), uid=1000, proc_cgroup=f"0::/{SCOPE}\n")
    assert found.version == "v2" and found.delegated
    assert found.parent == tree / SERVICE / "cpelo"


@needs_root
def test_login_session_scope_is_not_delegated(tree: Path) -> None:
    proc = "0::/user.slice/user-1000.slice/session-2.scope\n"
    found = find_cgroup(SandboxConfig(cgroup_root=tree), uid=1000, proc_cgroup=proc)
    assert found.version == "none" and "no cgroup delegated to uid 1000" in found.reason


@needs_root
def test_delegated_subtree_without_controllers(tree: Path) -> None:
    (tree / SERVICE / "cgroup.controllers").write_text("cpu memory")
    found = find_cgroup(SandboxConfig(cgroup_root=tree), uid=1000, proc_cgroup=f"0::/{SCOPE}\n")
    assert found.version == "none" and "lacks the pids controller" in found.reason


@needs_root
def test_explicit_delegate_is_checked(tree: Path) -> None:
    config = SandboxConfig(cgroup_root=tree, cgroup_delegate=tree / "user.slice")
    assert find_cgroup(config, uid=1000, proc_cgroup="0::/\n").version == "none"
    config = SandboxConfig(cgroup_root=tree, cgroup_delegate=tree / SERVICE)
    assert find_cgroup(config, uid=1000, proc_cgroup="0::/\n").parent == tree / SERVICE / "cpelo"


def test_root_uses_the_v2_root(tree: Path) -> None:
    found = find_cgroup(SandboxConfig(cgroup_root=tree), uid=0)
    assert found.version == "v2" and found.parent == tree / "cpelo" and not found.delegated


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("kernel/unprivileged_userns_clone", "0", "kernel.unprivileged_userns_clone=0"),
        ("user/max_user_namespaces", "0", "user.max_user_namespaces=0"),
        ("kernel/apparmor_restrict_unprivileged_userns", "1", "apparmor_restrict_unprivileged_userns=0"),
    ],
)
def test_userns_refusals_are_named(tmp_path: Path, setting: str, value: str, named: str) -> None:
    (tmp_path / setting).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / setting).write_text(value + "\n")
    status = check_userns(tmp_path)
    assert not status.available and named in status.reason and "\n" not in status.reason


def test_enforcement_names_what_is_weaker() -> None:
    assert Enforcement.native("v2", rootless=True).not_enforced() == []
    weak = Enforcement.native("none", rootless=True)
    assert weak.not_enforced() == [
        "memory: rlimit",
        "cpu_time: polled",
        "processes: rlimit",
        "peak_memory measured by rusage",
    ]


def test_diagnose_this_host() -> None:
    report = diagnose()
    assert report.uid == os.geteuid()
    assert (report.mode == "unavailable") == (report.enforcement is None)
    if report.mode == "root":
        assert report.cgroup.version in ("v1", "v2") and report.not_enforced == []


def test_doctor_command() -> None:
    cpelo = Path(sys.executable).parent / "cpelo"
    proc = subprocess.run(
        [str(cpelo), "sandbox", "doctor", "--json"], capture_output=True, text=True, check=False
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == (1 if report["mode"] == "unavailable" else 0)
    assert report["cgroup"]["version"] in ("v1", "v2", "none") and report["uid"] == os.geteuid()
    text = subprocess.run([str(cpelo), "sandbox", "doctor"], capture_output=True, text=True, check=False)
    assert text.stdout.startswith(f"mode: {report['mode']}") and "cgroup:" in text.stdout
