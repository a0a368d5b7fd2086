"""The judge's interactive tests (interactor and solution joined by pipes, both sandboxed) through the
docker backend: the pipes cross into the container as file descriptors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.docker.native_suite import load_module

pytestmark = pytest.mark.docker

_interactive = load_module(Path(__file__).resolve().parents[2] / "judge" / "test_interactive.py")
REUSED = sorted(n for n in vars(_interactive) if n.startswith("test_"))
globals().update({name: getattr(_interactive, name) for name in REUSED})


def test_reuses_the_interactive_suite() -> None:
    assert len(REUSED) >= 4, REUSED
