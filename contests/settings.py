"""The one settings object of cpelo (environment prefix ``CPELO_``).

Lower layers (sandbox, judge, elo) take explicit parameters; the CLI builds them from these settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CPELO_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".cpelo",
        description="where imported contests (home/contests), caches (home/cache) and results live",
    )
    sandbox_backend: str = Field("native", description="sandbox backend: native | unconfined | docker")
    allow_unconfined: bool = Field(False, description="explicit opt-in to run without isolation")
    jobs: int = Field(default_factory=_default_jobs, ge=1, description="parallel judging workers")
    codeforces_api: str = Field("https://codeforces.com/api/", description="Codeforces API base URL")
    api_interval: float = Field(2.0, ge=0, description="seconds between Codeforces API requests")

    @property
    def contests_dir(self) -> Path:
        return self.home / "contests"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"
