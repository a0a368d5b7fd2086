"""The service's configuration: one value, built once at the edge (the CLI) and passed to the app,
the workers and the queue. Defaults are computed when it is built; nothing here reads CPELO_ variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from judge.config import JudgeConfig
from sandbox import MiB

KiB = 1024


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "cpelo"


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cpelo"


def default_db_url() -> str:
    return f"sqlite:///{_data_home() / 'service.db'}"


class ServiceConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    db: str = Field(
        default_factory=default_db_url, description="SQLAlchemy URL (sqlite:/// or postgresql://)"
    )
    problem_cache: Path = Field(
        default_factory=lambda: _cache_home() / "service-problems",
        description="where packages are unpacked for judging (one directory per package digest)",
    )
    max_source_bytes: int = Field(64 * KiB, gt=0, description="largest submission source (UTF-8 bytes)")
    max_upload_bytes: int = Field(32 * MiB, gt=0, description="largest problem package zip")
    max_unpacked_bytes: int = Field(256 * MiB, gt=0, description="largest total size of a package's files")
    max_package_files: int = Field(10_000, gt=0, description="most files in a package")
    max_compression_ratio: float = Field(200.0, gt=1, description="per file over 16 MiB: zip-bomb guard")
    lease_s: float = Field(30.0, gt=0, description="a claimed job returns to the queue this long after "
                           "its worker's last heartbeat")  # fmt: skip
    max_attempts: int = Field(3, ge=1, description="claims of one job before it is given up as JUDGE_ERROR")
    poll_s: float = Field(0.05, gt=0, description="shortest pause of an idle worker between two claims")
    idle_poll_s: float = Field(0.5, gt=0, description="longest pause of an idle worker")
    sync_wait_cap_s: float = Field(30.0, gt=0, description="longest wait of POST /v1/judge")
    default_rate_per_minute: int = Field(600, gt=0, description="requests per minute of a new token")
    executor: Literal["local", "ray"] = Field("local", description="where a worker judges: here, or on Ray")
    ray_address: str | None = Field(None, description="executor ray: the cluster (None: Ray's default)")
    judge: JudgeConfig = Field(default_factory=JudgeConfig, description="how a worker judges")
    # Ceilings on what a problem may ask of a worker: checked at upload (4xx naming the ceiling) and
    # again when a worker loads the problem (a row stored under older, looser ceilings is refused).
    max_time_limit_s: float = Field(
        10.0, gt=0, allow_inf_nan=False, description="largest time limit per test"
    )
    max_memory_bytes: int = Field(2048 * MiB, gt=0, description="largest memory limit of a problem")
    max_tests: int = Field(500, gt=0, description="most tests in a problem")
    max_cpu_s_per_submission: float = Field(
        600.0, gt=0, allow_inf_nan=False, description="largest tests x time limit of a problem: one "
        "submission's worst-case CPU seconds"
    )  # fmt: skip
    max_queued_per_token: int = Field(200, gt=0, description="most unfinished jobs of one token")
    max_queued_cpu_s_per_token: float = Field(
        3600.0, gt=0, allow_inf_nan=False, description="most worst-case CPU seconds of one token's "
        "unfinished jobs"
    )  # fmt: skip
    head_timeout_s: float = Field(10.0, gt=0, description="longest wait for a request's line and headers")
    body_read_timeout_s: float = Field(30.0, gt=0, description="longest wait for the next piece of a body")
    keep_alive_s: float = Field(5.0, gt=0, description="idle keep-alive connections are closed after this")
    max_connections: int = Field(1000, gt=0, description="open connections of the API; over it: 503")
    retention_days: float | None = Field(
        30.0, gt=0, description="finished jobs older than this are deleted by the workers (None: kept)"
    )

    @property
    def max_upload_request_bytes(self) -> int:
        """Largest body of a package upload: the zip plus its multipart framing."""
        return self.max_upload_bytes + 64 * KiB

    @property
    def max_json_request_bytes(self) -> int:
        """Largest body of any other request: a JSON-escaped source (up to 6 bytes per byte) and fields."""
        return 8 * self.max_source_bytes + 64 * KiB
