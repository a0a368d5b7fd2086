"""The contests tests' fixtures: an isolated CPELO_HOME, a tiny contest held in memory, a fake
OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contests.contest import Contest
from contests.problem import Problem, Test, Tests
from tests.contests.fake_openai import FakeServer


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPELO_HOME", str(tmp_path / "home"))


def make_problem(index: str = "A", rating: int = 800) -> Problem:
    return Problem(
        id=f"t{index}",
        index=index,
        name=f"Sum {index}",
        statement="Print a+b.",
        input_spec="Two integers a and b.",
        output_spec="Their sum.",
        note="Easy.",
        time_limit=1.0,
        memory_limit_mb=256,
        points=500,
        rating=rating,
        tests=Tests(sample=[Test(name="01", input_text="1 2\n", answer_text="3\n")]),
    )


@pytest.fixture
def tiny_contest() -> Contest:
    return Contest(
        id="tiny",
        name="Tiny",
        rules="cf",
        duration_minutes=120,
        problems=[make_problem("A", 800), make_problem("B", 1600)],
    )


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()
