"""The test generators are deterministic: re-running one reproduces the committed tests byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("problem", ["cpelo-icpc-1/problems/B", "cpelo-round-1/problems/D"])
def test_generator_reproduces_committed_tests(bundled: Path, problem: str, tmp_path: Path) -> None:
    problem_dir = bundled / problem
    out = tmp_path / "tests"
    subprocess.run(
        [sys.executable, str(problem_dir / "generators" / "make_tests.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = sorted(p.relative_to(problem_dir / "tests") for p in (problem_dir / "tests").rglob("*.*"))
    regenerated = sorted(p.relative_to(out) for p in out.rglob("*.*"))
    assert regenerated == committed
    for relative in committed:
        assert (out / relative).read_bytes() == (problem_dir / "tests" / relative).read_bytes(), relative
