"""What happened in a run, every figure measured by the kernel (cgroup counters, wait4)."""

from __future__ import annotations

from enum import StrEnum

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
