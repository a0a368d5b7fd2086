"""The one settings object of cpelo, read from the environment (prefix ``CPELO_``) once, by the CLI.

Everything below the CLI takes explicit values built from it: `sandbox_config()`, `judge_config()`,
`service_config()`. The service's variables keep their names: field `service_db` is `CPELO_SERVICE_DB`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from judge.config import JudgeConfig
from judge.service.config import KiB, ServiceConfig
from sandbox import MiB, SandboxConfig


def _default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cpelo"


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "cpelo"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CPELO_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".cpelo",
        description="where imported contests (home/contests), caches (home/cache) and results live",
    )
    jobs: int = Field(default_factory=_default_jobs, ge=1, description="parallel judging workers")
    codeforces_api: str = Field("https://codeforces.com/api/", description="Codeforces API base URL")
    api_interval: float = Field(2.0, ge=0, description="seconds between Codeforces API requests")
    sandbox_backend: Literal["native", "unconfined", "docker"] = Field(
        "native", description="sandbox backend: native | unconfined | docker"
    )
    allow_unconfined: bool = Field(False, description="explicit opt-in to run without isolation")
    compile_cache: Path = Field(
        default_factory=lambda: _cache_home() / "compile", description="compiled programs"
    )
    compile_cache_max_bytes: int = Field(
        2 * 1024**3, gt=0, description="size of the compile cache; least recently used entries evicted"
    )
    max_program_bytes: int = Field(
        2560 * MiB, gt=0, description="largest compiled program (as DOMjudge); bigger: COMPILATION_ERROR"
    )
    work_dir: Path | None = Field(None, description="judge scratch dirs; None: temp")

    # The judge service (`cpelo serve`, `cpelo worker`): CPELO_SERVICE_*.
    service_db: str = Field(
        default_factory=lambda: f"sqlite:///{_data_home() / 'service.db'}",
        description="SQLAlchemy URL (sqlite:/// or postgresql://)",
    )
    service_problem_cache: Path = Field(
        default_factory=lambda: _cache_home() / "service-problems",
        description="where packages are unpacked for judging (one directory per package digest)",
    )
    service_max_source_bytes: int = Field(64 * KiB, gt=0)
    service_max_upload_bytes: int = Field(32 * MiB, gt=0)
    service_max_unpacked_bytes: int = Field(256 * MiB, gt=0)
    service_max_package_files: int = Field(10_000, gt=0)
    service_max_compression_ratio: float = Field(200.0, gt=1)
    service_lease_s: float = Field(30.0, gt=0)
    service_max_attempts: int = Field(3, ge=1)
    service_poll_s: float = Field(0.05, gt=0)
    service_idle_poll_s: float = Field(0.5, gt=0)
    service_sync_wait_cap_s: float = Field(30.0, gt=0)
    service_default_rate_per_minute: int = Field(600, gt=0)
    service_executor: Literal["local", "ray"] = Field("local")
    service_ray_address: str | None = Field(None)
    service_max_time_limit_s: float = Field(10.0, gt=0, allow_inf_nan=False)
    service_max_memory_bytes: int = Field(2048 * MiB, gt=0)
    service_max_tests: int = Field(500, gt=0)
    service_max_cpu_s_per_submission: float = Field(600.0, gt=0, allow_inf_nan=False)
    service_max_queued_per_token: int = Field(200, gt=0)
    service_max_queued_cpu_s_per_token: float = Field(3600.0, gt=0, allow_inf_nan=False)
    service_head_timeout_s: float = Field(10.0, gt=0)
    service_body_read_timeout_s: float = Field(30.0, gt=0)
    service_keep_alive_s: float = Field(5.0, gt=0)
    service_max_connections: int = Field(1000, gt=0)
    service_retention_days: float | None = Field(30.0, gt=0)

    @property
    def contests_dir(self) -> Path:
        return self.home / "contests"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(backend=self.sandbox_backend, allow_unconfined=self.allow_unconfined)

    def judge_config(self) -> JudgeConfig:
        return JudgeConfig(
            compile_cache=self.compile_cache,
            compile_cache_max_bytes=self.compile_cache_max_bytes,
            max_program_bytes=self.max_program_bytes,
            work_dir=self.work_dir,
            sandbox=self.sandbox_config(),
        )

    def service_config(self) -> ServiceConfig:
        prefix = "service_"
        fields = {name[len(prefix) :]: value for name, value in self if name.startswith(prefix)}
        return ServiceConfig(**fields, judge=self.judge_config())
