"""Fixtures of the docker backend's tests: the judge image (built once, cached by its tag), one docker
sandbox configuration per session (so each xdist worker keeps one long-lived container), and the native
suite's compiled helper programs."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.config import JudgeConfig
from judge.judge import Judge
from sandbox import SandboxConfig
from sandbox.docker.engine import engine_available
from tests.sandbox.docker.native_suite import load_module, load_native

_native_conftest = load_native("conftest")
bins = _native_conftest.bins  # the same helper programs as the native conformance tests
make_task = load_module(Path(__file__).resolve().parents[2] / "judge" / "conftest.py").make_task


@pytest.fixture(scope="session")
def docker_config() -> SandboxConfig:
    from sandbox.docker.image import build_image

    reason = engine_available()
    if reason is not None:
        pytest.skip(f"the docker backend needs a Docker engine: {reason}")
    cfg = SandboxConfig(backend="docker", cgroup_name="cpelo-dtest")
    build_image(cfg)  # normally cached: .ci/run builds the image before the tests
    return cfg


@pytest.fixture
def config(docker_config: SandboxConfig) -> SandboxConfig:
    return docker_config


@pytest.fixture(scope="session")
def judge(docker_config: SandboxConfig, tmp_path_factory: pytest.TempPathFactory) -> Judge:
    """A judge whose every run (compilers, solutions, checkers, interactors) goes through the container."""
    cache = tmp_path_factory.mktemp("docker-compile-cache")
    return Judge(JudgeConfig(compile_cache=cache, sandbox=docker_config))
