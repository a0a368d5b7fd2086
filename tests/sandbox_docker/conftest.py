"""Fixtures of the docker backend's tests: the judge image (built once, cached by its tag), one docker
sandbox configuration per session (so each xdist worker keeps one long-lived container), and the native
suite's compiled helper programs."""

from __future__ import annotations

from pathlib import Path

import pytest
from native_suite import load_module, load_native

from sandbox import SandboxConfig
from sandbox.docker.engine import engine_available

_native_conftest = load_native("conftest")
bins = _native_conftest.bins  # the same helper programs as the native conformance tests
make_task = load_module(Path(__file__).resolve().parents[1] / "judge" / "conftest.py").make_task


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = engine_available()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"docker backend tests need a Docker engine: {reason}")
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def docker_config() -> SandboxConfig:
    from sandbox.docker.image import build_image

    cfg = SandboxConfig(backend="docker", cgroup_name="cpelo-dtest")
    build_image(cfg)  # normally cached: .ci/run builds the image before the tests
    return cfg


@pytest.fixture
def config(docker_config: SandboxConfig) -> SandboxConfig:
    return docker_config
