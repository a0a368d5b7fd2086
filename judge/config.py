"""The judge's configuration: one value, built once at the edge (the CLI, a service) and passed down.

Library code never reads the environment for it: whoever builds a ``Judge`` says where its compile
cache lives and which sandbox it uses. The defaults are computed when the value is built.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sandbox import SandboxConfig


def default_compile_cache() -> Path:
    """``$XDG_CACHE_HOME/cpelo/compile`` (``~/.cache/cpelo/compile`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cpelo" / "compile"


class JudgeConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    compile_cache: Path = Field(default_factory=default_compile_cache, description="compiled programs")
    compile_cache_max_bytes: int = Field(
        2 * 1024**3, gt=0, description="size of the compile cache; least recently used entries evicted"
    )
    # DOMjudge's script_filesize_limit (2.5 GiB) bounds what its compiler may write; a bigger program
    # is its COMPILER-ERROR, and a smaller one is judged however big (DOMjudge's hello test-memstatic).
    max_program_bytes: int = Field(
        2560 * 1024**2, gt=0, description="largest compiled program; bigger: COMPILATION_ERROR"
    )
    compile_cache_max_entry_bytes: int = Field(
        64 * 1024**2, gt=0, description="largest program the compile cache keeps; bigger: judged uncached"
    )
    work_dir: Path | None = Field(None, description="where scratch directories go; None: the system temp")
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig, description="how programs are run")
    fresh_box: bool = Field(
        True,
        description="each test in an empty work dir thrown away after it, the input as an anonymous fd; "
        "False shares one work dir between the tests of a submission (unsafe: the attack suite's control)",
    )
