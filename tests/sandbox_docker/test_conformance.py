"""The native backend's conformance tests, run unchanged against the docker backend.

Every test of ``tests/sandbox/test_limits.py`` that takes the ``config`` fixture runs here with the docker
configuration (this directory's conftest), except those about the native backend's own host mechanics.
"""

from __future__ import annotations

import inspect
import os
import subprocess
from pathlib import Path

import pytest
from native_suite import load_native

from sandbox import Limits, SandboxConfig, SandboxConfigError, Status, run
from sandbox.docker.container import CGROUP_PARENT, LABEL, registry

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
