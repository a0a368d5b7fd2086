"""Fixtures for the bundled-contest tests: where the bundled contests live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import contests

CONTEST_IDS = ("cpelo-round-1", "cpelo-icpc-1")


@pytest.fixture(scope="session")
def bundled() -> Path:
    return Path(contests.__file__).resolve().parent / "bundled"


@pytest.fixture(params=CONTEST_IDS)
def contest_dir(request: pytest.FixtureRequest, bundled: Path) -> Path:
    return bundled / str(request.param)


@pytest.fixture(scope="session")
def gxx() -> str:
    found = shutil.which("g++")
    if found is None:
        pytest.skip(
            "g++ is not installed: the checker and interactor are C++ (scripts/sysdeps.sh installs it)"
        )
    return found
