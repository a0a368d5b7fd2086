"""The judge's and the service's configuration, built from the environment at the CLI edge.

Bridge kept until the application's one ``Settings`` object (contests/app/settings.py) builds
``JudgeConfig`` and ``ServiceConfig``: it reads the same variables (CPELO_COMPILE_CACHE,
CPELO_WORK_DIR, CPELO_SANDBOX_BACKEND, CPELO_ALLOW_UNCONFINED, CPELO_SERVICE_<FIELD>), and only here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from judge.config import JudgeConfig
from judge.service.config import ServiceConfig
from sandbox import SandboxConfig

_TRUE = ("1", "true", "yes", "on")


def judge_config() -> JudgeConfig:
    env = os.environ
    sandbox = SandboxConfig(
        backend=env.get("CPELO_SANDBOX_BACKEND", "native"),
        allow_unconfined=env.get("CPELO_ALLOW_UNCONFINED", "").lower() in _TRUE,
    )
    fields: dict[str, Any] = {"sandbox": sandbox}
    if env.get("CPELO_COMPILE_CACHE"):
        fields["compile_cache"] = Path(env["CPELO_COMPILE_CACHE"])
    if env.get("CPELO_WORK_DIR"):
        fields["work_dir"] = Path(env["CPELO_WORK_DIR"])
    return JudgeConfig(**fields)


def service_config(**overrides: Any) -> ServiceConfig:
    """CPELO_SERVICE_<FIELD> for each field of ServiceConfig, then ``overrides`` (those not None)."""
    fields: dict[str, Any] = {
        name: os.environ[f"CPELO_SERVICE_{name.upper()}"]
        for name in ServiceConfig.model_fields
        if name != "judge" and f"CPELO_SERVICE_{name.upper()}" in os.environ
    }
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return ServiceConfig.model_validate({**fields, "judge": judge_config()})
