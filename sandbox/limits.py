"""What a run may use. Every limit has exactly one meaning (see the field docs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MiB = 1024 * 1024


class Limits(BaseModel):
    """Limits of one sandboxed run. ``None`` means "not limited" where a field allows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cpu_time: float | None = Field(
        1.0, gt=0, description="CPU seconds (user+sys) of the whole process tree; over it: TIME_LIMIT"
    )
    wall_time: float | None = Field(
        None,
        gt=0,
        description="wall-clock seconds from start, not counting time the tree waited for a CPU on a busy "
        "machine (never more than 4 * wall_time + 1 in all); over it while under cpu_time: IDLE_LIMIT. "
        "None: 2 * cpu_time + 1 (or unlimited when cpu_time is None)",
    )
    memory: int | None = Field(
        256 * MiB, gt=0, description="bytes, peak memory of the whole tree (cgroup); over it: MEMORY_LIMIT"
    )
    stdout_bytes: int | None = Field(
        64 * MiB, ge=0, description="bytes written to stdout; over it: OUTPUT_LIMIT"
    )
    stdout_truncate: bool = Field(
        False,
        description="stdout past stdout_bytes is dropped and the program runs on (DOMjudge's runguard "
        "--streamsize); the result's stdout_bytes still counts all of it. False: killed, OUTPUT_LIMIT",
    )
    stderr_bytes: int | None = Field(
        1 * MiB, ge=0, description="bytes written to stderr; over it: OUTPUT_LIMIT"
    )
    processes: int = Field(
        1, ge=1, description="processes and threads alive at once in the tree (pids cgroup)"
    )
    open_files: int = Field(64, ge=3, description="open file descriptors per process (RLIMIT_NOFILE)")
    file_size: int = Field(
        16 * MiB, ge=0, description="bytes, largest file a process may write (RLIMIT_FSIZE)"
    )
    disk: int = Field(
        64 * MiB, ge=0, description="bytes, total size of files the run may create in its writable dirs"
    )
    stack: int | None = Field(
        None, gt=0, description="bytes of stack per process (RLIMIT_STACK); None: as large as memory"
    )

    def effective_wall_time(self) -> float | None:
        if self.wall_time is not None:
            return self.wall_time
        if self.cpu_time is None:
            return None
        return 2 * self.cpu_time + 1
