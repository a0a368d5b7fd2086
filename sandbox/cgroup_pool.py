"""The pool of never-used cgroups that runners keep ready under a cgroup parent (cgroup v1, see
sandbox/runner/cgroup.c): known, empty state, removed here when the parent itself must go."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from sandbox.config import SandboxConfig

# The runner names a pool entry p<maker pid>-<ns>; a run's own cgroup is r<pid>-<ns>.
_POOL_ENTRY = re.compile(r"p\d+-\d+")
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
    loses nothing: its rename fails and it makes its own cgroup, or it renamed first and rmdir misses."""
    removed = 0
    for entry in pool_entries(config):
        with contextlib.suppress(FileNotFoundError):
            entry.rmdir()
            removed += 1
    return removed
