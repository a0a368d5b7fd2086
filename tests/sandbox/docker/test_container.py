"""The judge container: hardened as documented, one per process, removed at exit and after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, SandboxConfigError, Status, run
from sandbox.docker.backend import extra_root
from sandbox.docker.container import CGROUP_PARENT, LABEL, OWNER_LABEL, RUNNER_CAPS, owner_id, registry, sweep
from sandbox.docker.engine import docker_client

pytestmark = pytest.mark.docker

PY = "/usr/bin/python3"


def _containers_of(owner_pid: int) -> list[object]:
    client = docker_client()
    return [
        c
        for c in client.containers.list(all=True, filters={"label": LABEL})
        if c.labels.get(OWNER_LABEL, "").split(":")[1] == str(owner_pid)
    ]


def test_container_is_hardened(tmp_path: Path, docker_config: SandboxConfig) -> None:
    r = run(["/bin/true"], Limits(), workdir=tmp_path, config=docker_config)
    assert r.status == Status.OK, r.message
    container = registry().get(docker_config)
    attrs = docker_client().containers.get(container.name).attrs
    host = attrs["HostConfig"]
    assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and sorted(host["CapAdd"]) == sorted(RUNNER_CAPS)
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert not any(o.startswith("seccomp") for o in host["SecurityOpt"])  # Docker's default profile
    assert host["Privileged"] is False
    assert host["PidsLimit"] == docker_config.docker.pids and host["Memory"] == docker_config.docker.memory
    assert host["MemorySwap"] == host["Memory"] and host["NanoCpus"] == len(os.sched_getaffinity(0)) * 10**9
    assert attrs["Config"]["Labels"][OWNER_LABEL] == owner_id()


def test_program_runs_unprivileged_without_network(tmp_path: Path, docker_config: SandboxConfig) -> None:
    code = (
        "import os\n"
        "print(os.getuid(), os.getgid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
        # if_nameindex() asks netlink, which the runner's seccomp filter refuses: the run's /proc says it
        "print(sorted(l.split(':')[0].strip() for l in open('/proc/self/net/dev').readlines()[2:]))\n"
        "print(os.path.exists('/.dockerenv'), os.path.exists('/etc/passwd'))\n"
    )
    out = tmp_path / "out"
    r = run([PY, "-c", code], Limits(), workdir=tmp_path, stdout=out, config=docker_config)
    assert r.status == Status.OK, r.message
    ids, interfaces, files = out.read_text().splitlines()
    assert ids == "65534 65534 0000000000000000"
    assert interfaces == "['lo']"
    assert files == "False False"  # the runner's root, not the container's


def test_runs_reuse_the_process_container(tmp_path: Path, docker_config: SandboxConfig) -> None:
    assert run(["/bin/true"], Limits(), workdir=tmp_path, config=docker_config).status == Status.OK
    before = {c.name for c in _containers_of(os.getpid())}  # type: ignore[attr-defined]
    for _ in range(3):
        assert run(["/bin/true"], Limits(), workdir=tmp_path, config=docker_config).status == Status.OK
    assert {c.name for c in _containers_of(os.getpid())} == before  # type: ignore[attr-defined]
    # One per root set at most (a run reading outside the shared dirs may have widened it).
    assert 1 <= len(before) <= 2


def test_paths_outside_shared_dirs_are_mounted_at_their_own_path() -> None:
    here = Path(__file__).resolve()
    assert extra_root(here) == Path("/", here.parts[1])
    assert extra_root(Path("/var/lib/cpelo/x.in")) == Path("/var/lib/cpelo")
    with pytest.raises(SandboxConfigError, match="shadow"):
        extra_root(Path("/var/lib/x.in"))
    with pytest.raises(SandboxConfigError, match="host system path"):
        extra_root(Path("/proc/self"))
    with pytest.raises(SandboxConfigError, match="shadow"):
        extra_root(Path("/usr/bin"))


def test_readonly_path_outside_shared_dirs(tmp_path: Path, docker_config: SandboxConfig) -> None:
    source = Path(__file__).resolve()
    out = tmp_path / "out"
    r = run(
        [PY, "-c", f"print(open({str(source)!r}).read()[:60])"],
        Limits(),
        workdir=tmp_path,
        stdout=out,
        readonly_paths=[source],
        config=docker_config,
    )
    assert r.status == Status.OK, r.message
    assert out.read_text().strip() == source.read_text()[:60].strip()


_CHILD = """
import os, signal, sys
from pathlib import Path
from sandbox import Limits, SandboxConfig, run
cfg = SandboxConfig(backend="docker", cgroup_name="cpelo-dtest")
r = run(["/bin/true"], Limits(), workdir=Path(sys.argv[1]), config=cfg)
print(r.status, flush=True)
if sys.argv[2] == "crash":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _wait_gone(pid: int, timeout: float = 30.0) -> list[object]:
    deadline = time.monotonic() + timeout
    while (left := _containers_of(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _cgroups_of(config: SandboxConfig, pid: int) -> list[Path]:
    return [p for p in config.cgroup_root.glob(f"*/{CGROUP_PARENT}/cpelo-{pid}-*")]


@pytest.mark.parametrize("ending", ["exit", "crash"])
def test_container_removed_when_the_process_ends(
    tmp_path: Path, docker_config: SandboxConfig, ending: str
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tmp_path), ending], stdout=subprocess.PIPE, text=True
    )
    out, _ = proc.communicate(timeout=120)
    assert out.strip() == "OK"
    assert proc.returncode == (0 if ending == "exit" else -signal.SIGKILL)
    # Exit: removed by the process itself. Crash: the lifeline closes, the agent exits, Docker removes it.
    assert _wait_gone(proc.pid) == []
    if ending == "crash":
        sweep(docker_config)  # what the next process does at start: the dead owner's cgroups go
    assert _cgroups_of(docker_config, proc.pid) == []
