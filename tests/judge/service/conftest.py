"""Fixtures of the service tests: a PostgreSQL server per session, a database per test (both kinds),
a token, and live `cpelo serve` processes that are always stopped."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.judge.service.fixtures import Postgres, Server, pg_bin, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/sysdeps.sh installs Debian's postgresql)")
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    server: Postgres = request.getfixturevalue("postgres")
    return server.create_database(f"t_{secrets.token_hex(6)}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture(scope="session")
def compile_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("compile-cache")


@pytest.fixture
def service_env(tmp_path: Path, compile_cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CPELO_COMPILE_CACHE"] = str(compile_cache)
    env["CPELO_SERVICE_PROBLEM_CACHE"] = str(tmp_path / "problem-cache")
    env["CPELO_SERVICE_POLL_S"] = "0.02"
    env["CPELO_SERVICE_IDLE_POLL_S"] = "0.2"
    # The load tests flood from one token on purpose: neither of its quotas may refuse them.
    env["CPELO_SERVICE_MAX_QUEUED_PER_TOKEN"] = "100000"
    env["CPELO_SERVICE_MAX_QUEUED_CPU_S_PER_TOKEN"] = "1e9"
    # A 500-request flood on 2 shared cores can keep a pooled connection's next head waiting past the 10 s
    # default (test_edges checks the deadline itself with its own short value).
    env["CPELO_SERVICE_HEAD_TIMEOUT_S"] = "120"
    return env


@pytest.fixture
def servers(tmp_path: Path, service_env: dict[str, str]) -> Iterator[Callable[..., Server]]:
    """Start servers with ``servers(db, workers=..., lease=...)``; all are killed at teardown."""
    started: list[Server] = []

    def start(db: str, *, workers: int = 2, lease: float = 30.0, port: int | None = None) -> Server:
        server = Server(db, service_env, workers=workers, lease=lease, log=tmp_path / "serve.log")
        if port is not None:
            server.port = port
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
