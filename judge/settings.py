"""The judge's settings: one object, read from the environment (prefix CPELO_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sandbox import SandboxConfig


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cpelo" / "compile"


class JudgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CPELO_", extra="ignore")

    compile_cache: Path = Field(default_factory=_default_cache_dir, description="compiled programs")
    compile_cache_max_bytes: int = Field(
        2 * 1024**3, gt=0, description="size of the compile cache; least recently used entries evicted"
    )
    max_program_bytes: int = Field(
        64 * 1024**2, gt=0, description="largest compiled program; bigger: COMPILATION_ERROR"
    )
    work_dir: Path | None = Field(None, description="scratch dirs; None: temp")
    fresh_box: bool = Field(
        True,
        description="each test in an empty work dir thrown away after it, the input as an anonymous fd; "
        "False shares one work dir between the tests of a submission (unsafe: the attack suite's control)",
    )
    sandbox_backend: Literal["native", "unconfined", "docker"] = Field(
        "native", description="SandboxConfig.backend"
    )
    allow_unconfined: bool = Field(False, description="opt-in to judge with the unconfined backend")

    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(backend=self.sandbox_backend, allow_unconfined=self.allow_unconfined)
