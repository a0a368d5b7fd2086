"""The pool of never-used cgroups that runners keep ready under a cgroup parent (cgroup v1, see
sandbox/runner/cgroup.c): known, empty state, removed here when the parent itself must go. So is the
cgroup a runner server's standby claimed ahead of its request (s<pid>-<ns>, runner/ahead.c)."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.runner_server import close_servers

# The runner names a pool entry p<maker pid>-<ns>; a run's own cgroup is r<pid>-<ns>, a standby's
# s<pid>-<ns>.
_POOL_ENTRY = re.compile(r"p\d+-\d+")
_RUNNER_ENTRY = re.compile(r"[rs](\d+)-\d+")
_CONTROLLERS = ("memory", "pids", "cpuacct")


def pool_entries(config: SandboxConfig) -> list[Path]:
    """The pool's cgroup directories under the config's parent, every controller."""
    found = []
    for ctrl in _CONTROLLERS:
        parent = config.cgroup_root / ctrl / config.cgroup_name
        with contextlib.suppress(OSError):
            found += [p for p in parent.iterdir() if p.is_dir() and _POOL_ENTRY.fullmatch(p.name)]
    return found


def drain_cgroup_pool(config: SandboxConfig) -> int:
    """Removes the pool's cgroups; returns how many directories went. A runner claiming one meanwhile
    loses nothing: its rename fails and it makes its own cgroup, or it renamed first and rmdir misses.
    This process's runner servers are ended first: their standbys release the cgroups they claimed."""
    close_servers()
    removed = 0
    for entry in pool_entries(config):
        with contextlib.suppress(FileNotFoundError):
            entry.rmdir()
            removed += 1
    _sweep(config)
    return removed


def _sweep(config: SandboxConfig) -> None:
    """What runners that were killed left (as their runs' own sweep, runner/cgroup.c): a run's or a
    standby's cgroup whose runner is gone. One that still holds processes refuses rmdir, harmlessly."""
    for ctrl in (*_CONTROLLERS, "unified", ""):
        parent = config.cgroup_root / ctrl / config.cgroup_name
        with contextlib.suppress(OSError):
            for entry in parent.iterdir():
                match = _RUNNER_ENTRY.fullmatch(entry.name)
                if match is None or not entry.is_dir() or _alive(int(match.group(1))):
                    continue
                with contextlib.suppress(OSError):
                    entry.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie's cgroup is empty: its runner is gone
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
