"""Reaching the Docker engine through the docker SDK (the optional extra ``cpelo[docker]``)."""

from __future__ import annotations

import functools
import os
from typing import Any

from sandbox.errors import SandboxUnavailable


def docker_client() -> Any:
    """The engine's client, made once per process (it holds a connection pool, which a forked child must
    not share); raises SandboxUnavailable when the SDK is missing or no engine answers."""
    return _client_for(os.getpid())


@functools.lru_cache(maxsize=4)
def _client_for(pid: int) -> Any:
    try:
        import docker
        import docker.errors
    except ImportError as exc:
        raise SandboxUnavailable(
            "the docker backend needs the docker SDK: pip install 'cpelo[docker]'"
        ) from exc
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:
        raise SandboxUnavailable(
            f"no Docker engine answers ({exc}): start dockerd, or set DOCKER_HOST; the docker backend "
            "cannot run containers without one"
        ) from exc
    return client


def engine_available() -> str | None:
    """None when an engine answers, else why not (for tests that skip without one)."""
    try:
        docker_client()
    except SandboxUnavailable as exc:
        _client_for.cache_clear()
        return str(exc)
    return None
