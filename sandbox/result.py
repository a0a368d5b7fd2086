"""What happened in a run, every figure measured by the kernel (cgroup counters, wait4), and how."""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    OK = "OK"  # exited with code 0 within every limit
    NONZERO_EXIT = "NONZERO_EXIT"  # exited with a code other than 0
    SIGNALED = "SIGNALED"  # killed by a signal not sent by the sandbox (e.g. SIGSEGV, SIGABRT)
    TIME_LIMIT = "TIME_LIMIT"  # CPU time of the tree exceeded limits.cpu_time
    # wall time not spent waiting for a CPU (wall_time - wait_time) exceeded the wall limit while CPU time
    # stayed under its limit: the program slept or blocked, a busy machine alone never causes it
    IDLE_LIMIT = "IDLE_LIMIT"
    MEMORY_LIMIT = "MEMORY_LIMIT"  # peak memory of the tree reached limits.memory
    OUTPUT_LIMIT = "OUTPUT_LIMIT"  # a stream or a file exceeded its byte limit
    SANDBOX_ERROR = "SANDBOX_ERROR"  # the sandbox itself failed; never the program's fault


Mechanism = Literal["cgroup", "rlimit", "polled", "none"]
# cgroup: the kernel's cgroup accounts the whole tree and enforces the limit exactly.
# rlimit: a per-process setrlimit; a tree of N processes may use up to N times the limit.
# polled: the runner samples the figure every few ms and kills past the limit (a short spike may pass).
# none: not limited.


class Enforcement(BaseModel):
    """How each limit of this run was enforced and each figure measured (it depends on the host)."""

    model_config = ConfigDict(frozen=True)

    memory: Mechanism = Field(description="limits.memory: cgroup memory.max, or RLIMIT_DATA per process")
    cpu_time: Mechanism = Field(
        description="limits.cpu_time: cgroup CPU counter polled, or the main process's"
    )
    processes: Mechanism = Field(
        description="limits.processes: cgroup pids.max, or RLIMIT_NPROC in the userns"
    )
    isolation: Literal["root", "userns", "none"] = Field(
        description="root: namespaces set up as root, program under an unprivileged uid; userns: the same "
        "from an unprivileged user namespace (the program's uid maps to the invoking user); none: unconfined"
    )
    cgroup: Literal["v1", "v2", "none"] = Field(description="the cgroup hierarchy that held the run, if any")
    peak_memory: Literal["cgroup", "rusage", "none"] = Field(
        description="how peak_memory was measured: the tree's cgroup peak, or the largest single process's "
        "maximum resident set (wait4 ru_maxrss)"
    )

    @classmethod
    @functools.lru_cache(maxsize=8)  # immutable, and one of six: made once each
    def native(cls, cgroup: Literal["v1", "v2", "none"], rootless: bool) -> Enforcement:
        """The native backend's: everything by the cgroup when it has one, else rlimits and polling."""
        isolation: Literal["root", "userns"] = "userns" if rootless else "root"
        if cgroup == "none":
            return cls(
                memory="rlimit", cpu_time="polled", processes="rlimit", isolation=isolation, cgroup="none",
                peak_memory="rusage",
            )  # fmt: skip
        return cls(
            memory="cgroup", cpu_time="cgroup", processes="cgroup", isolation=isolation, cgroup=cgroup,
            peak_memory="cgroup",
        )  # fmt: skip

    def not_enforced(self) -> list[str]:
        """Limits weaker than on a root host with cgroups, each as 'limit: how'."""
        weak = {"memory": self.memory, "cpu_time": self.cpu_time, "processes": self.processes}
        out = [f"{name}: {how}" for name, how in weak.items() if how != "cgroup"]
        if self.peak_memory != "cgroup":
            out.append(f"peak_memory measured by {self.peak_memory}")
        return out


class RunResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Status
    exit_code: int | None = Field(None, description="exit status of the main process if it exited")
    signal: int | None = Field(None, description="signal that ended the main process, if any")
    cpu_time: float = Field(0.0, description="seconds, user+sys of the whole tree (cgroup cpuacct)")
    wall_time: float = Field(0.0, description="seconds from start of the program to the death of the tree")
    peak_memory: int = Field(0, description="bytes, peak memory of the whole tree (cgroup)")
    stdout_bytes: int = Field(0, description="bytes the program wrote to stdout (counted up to the limit)")
    stderr_bytes: int = Field(0, description="bytes the program wrote to stderr (counted up to the limit)")
    wait_time: float = Field(
        0.0,
        description="seconds the tree was runnable but waiting for a CPU (schedstat run_delay), measured "
        "only once a run outlives its CPU limit or nears its wall limit (else 0.0)",
    )
    ended_at: float | None = Field(
        None,
        description="CLOCK_MONOTONIC seconds (time.monotonic) when the run was first seen ending: killed, "
        "or its main process gone; orders the ends of two runs on one host (None: not measured)",
    )
    killed_by: str | None = Field(None, description="why the sandbox killed the tree, e.g. 'cpu_time'")
    message: str = Field("", description="human-readable detail (sandbox errors, limit hit)")
    enforcement: Enforcement | None = Field(
        None, description="how each limit was enforced and measured in this run (None: the run never started)"
    )
