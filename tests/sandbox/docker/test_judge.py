"""Judge fidelity smoke with the docker backend: the judge's verdict table for C++ and Python, and
`cpelo judge --sandbox docker` on a bundled problem with a testlib checker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from judge.judge import Judge
from sandbox import SandboxConfig
from tests.sandbox.docker.native_suite import load_module

pytestmark = pytest.mark.docker

JUDGE_TESTS = Path(__file__).resolve().parents[2] / "judge"
REPO = Path(__file__).resolve().parents[3]
_verdicts = load_module(JUDGE_TESTS / "test_verdicts.py")
SMOKE_LANGUAGES = ("cpp17", "python3")


def _rows() -> list[object]:
    # IDLE is left to the conformance tests (test_idle_limit): the judge spends ~20 s per language on it.
    rows = [p for p in _verdicts._rows() if p.values[0] in SMOKE_LANGUAGES]  # type: ignore[attr-defined]
    return [p for p in rows if not p.id.startswith("idle-")]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "source", "verdict", "failed"), _rows())
def test_verdict_table(
    judge: Judge, make_task: object, lang: str, source: Path, verdict: object, failed: int | None
) -> None:
    assert judge.sandbox_config.backend == "docker"
    _verdicts.test_verdict(judge, make_task, lang, source, verdict, failed)


@pytest.mark.parametrize(
    ("solution", "verdict"), [("accepted/ref.cpp", "OK"), ("wrong_answer/same_key_twice.py", "WRONG_ANSWER")]
)
def test_judge_cli_with_docker_sandbox(docker_config: SandboxConfig, solution: str, verdict: str) -> None:
    problem = REPO / "contests" / "bundled" / "cpelo-round-1" / "problems" / "B"
    cpelo = Path(sys.executable).parent / "cpelo"
    source = problem / "solutions" / solution
    argv = [str(cpelo), "judge", "run", str(problem), str(source), "--sandbox", "docker", "--json"]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["verdict"] == verdict, result
