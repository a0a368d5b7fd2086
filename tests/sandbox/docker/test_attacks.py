"""The native backend's attack suite against the docker backend: the same table, every row contained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert report["passed"] == len(ATTACKS) and report["failed"] == 0
    assert proc.returncode == 0
