"""sandbox: run one untrusted process tree under limits and report exactly what happened.

It knows nothing of problems or verdicts: see ``run``, ``Limits``, ``RunResult`` and ``SandboxConfig``.
"""

from sandbox.cgroup_pool import drain_cgroup_pool
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxConfigError, SandboxError, SandboxUnavailable
from sandbox.limits import Limits, MiB
from sandbox.result import RunResult, Status
from sandbox.run import run
from sandbox.streams import HandOff

__all__ = [
    "HandOff",
    "Limits",
    "MiB",
    "RunResult",
    "SandboxConfig",
    "SandboxConfigError",
    "SandboxError",
    "SandboxUnavailable",
    "Status",
    "drain_cgroup_pool",
    "run",
]
