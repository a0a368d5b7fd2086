"""Fixtures: a real two-node Ray cluster on this machine (see ray_cluster.py), and this process's
connection to it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.judge.executors.ray_cluster import AUTH_MODE, Cluster, shared_cluster

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install cpelo[ray])")


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The cluster, with this test process connected to it as a driver."""
    os.environ["RAY_AUTH_MODE"] = AUTH_MODE  # this driver and the `cpelo` drivers the tests start
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the xdist workers of this run
    with shared_cluster(base) as cluster:
        ray.init(address=cluster.address, logging_level="WARNING", log_to_driver=False)
        try:
            deadline = time.monotonic() + 120
            while ray.cluster_resources().get("CPU", 0) < 2:
                assert time.monotonic() < deadline, f"second Ray node did not join: {ray.cluster_resources()}"
                time.sleep(0.5)
            yield cluster
        finally:
            ray.shutdown()
