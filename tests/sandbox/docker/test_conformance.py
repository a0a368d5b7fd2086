"""The native backend's conformance tests, run unchanged against the docker backend.

Every test of ``tests/sandbox/test_limits.py`` that takes the ``config`` fixture runs here with the docker
configuration (this directory's conftest), except those about the native backend's own host mechanics.
"""

from __future__ import annotations

import inspect
import os
import tempfile
import time
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, Status, run
from sandbox.docker.container import CGROUP_PARENT, registry
from tests.sandbox.docker.native_suite import load_native

pytestmark = pytest.mark.docker

_native = load_native("test_limits")
NATIVE_ONLY = {
    "test_missing_cgroups_refuse_with_reason",  # about the host's cgroup tree, which the container replaces
    "test_unconfined_needs_opt_in",
    "test_bad_arguments_refused",
}
REUSED = sorted(
    name
    for name, fn in vars(_native).items()
    if name.startswith("test_")
    and callable(fn)
    and "config" in inspect.signature(fn).parameters
    and name not in NATIVE_ONLY
)
globals().update({name: getattr(_native, name) for name in REUSED})


def test_reuses_the_native_suite() -> None:
    assert len(REUSED) >= 15, REUSED


def test_per_run_cgroups_are_removed(tmp_path: Path, docker_config: SandboxConfig) -> None:
    """The runner's cgroups live in the directory delegated to the container; none outlives its run."""
    for _ in range(3):
        assert run(["/bin/true"], Limits(), workdir=tmp_path, config=docker_config).status == Status.OK
    name = registry().get(docker_config).name
    time.sleep(0.5)  # a runner removes its cgroup just after the result is out (the tree is dead by then)
    for ctrl in ("memory", "pids", "cpuacct"):
        runs = docker_config.cgroup_root / ctrl / CGROUP_PARENT / name / docker_config.cgroup_name
        assert runs.is_dir() and [p.name for p in runs.iterdir() if p.is_dir()] == []


def test_workdir_outside_shared_dirs_gets_the_files_back(docker_config: SandboxConfig) -> None:
    # The home dir is not a shared path by default: its top-level dir gets mounted at its own path.
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        r = run(
            ["/usr/bin/python3", "-c", "open('made', 'w').write('x' * 10)"],
            Limits(),
            workdir=work,
            config=docker_config,
        )
        assert r.status == Status.OK, r.message
        assert (work / "made").read_text() == "x" * 10
