"""The native backend's attack suites against the docker backend: the same tables (the sandbox's, and the
judge's hostile submissions through `cpelo sandbox selftest --backend docker`), every row contained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from judge.attacks import JUDGE_ATTACKS
from sandbox import SandboxConfig
from sandbox.attacks import ATTACKS, Attack, run_suite

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_contained(attack: Attack, docker_config: SandboxConfig) -> None:
    report = run_suite(docker_config, attacks=[attack])
    outcome = report.attacks[0]
    assert report.backend == "docker"
    assert outcome.contained, f"{attack.name}: {outcome.status}: {outcome.detail}"


def test_selftest_cli_reports_every_attack_contained(docker_config: SandboxConfig) -> None:
    """Both tables through the container; the judge's table runs on docker only here (once: ~1 min)."""
    cpelo = Path(sys.executable).parent / "cpelo"
    proc = subprocess.run(
        [str(cpelo), "sandbox", "selftest", "--backend", "docker", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout)
    missed = [(a["name"], a["status"], a["detail"]) for a in report["attacks"] if not a["contained"]]
    assert report["backend"] == "docker" and not missed, missed
    judge = [a["name"] for a in report["attacks"] if a["layer"] == "judge"]
    assert judge == [a.name for a in JUDGE_ATTACKS]
    layer = report["layers"]["judge"]
    assert layer["contained"] == layer["total"] == len(JUDGE_ATTACKS), layer
    assert report["passed"] == len(ATTACKS) + len(JUDGE_ATTACKS) and report["failed"] == 0
    assert proc.returncode == 0
