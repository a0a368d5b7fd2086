"""The judge's configuration: a plain value built by the caller (the CLI's settings), not the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sandbox import SandboxConfig


def _default_compile_cache() -> Path:
    return Path.home() / ".cache" / "cpelo" / "compile"


class JudgeConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    compile_cache: Path = Field(default_factory=_default_compile_cache, description="compiled programs")
    work_dir: Path | None = Field(None, description="scratch dirs; None: temp")
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig, description="how untrusted code runs")
