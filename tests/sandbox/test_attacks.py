"""The attack suite, one test per row of the table, and the `cpelo sandbox selftest` command."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from judge.attacks import JUDGE_ATTACKS
from sandbox import SandboxConfig
from sandbox.attacks import ATTACKS, UNCONFINED_CONTROLS, Attack, run_suite

pytestmark = pytest.mark.root


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_contained(attack: Attack) -> None:
    report = run_suite(attacks=[attack])
    outcome = report.attacks[0]
    assert outcome.contained, f"{attack.name}: {outcome.status}: {outcome.detail}"


def test_table_covers_languages_and_size() -> None:
    suffixes = {Path(a.source).suffix for a in ATTACKS}
    assert len(ATTACKS) >= 25 and suffixes == {".c", ".cpp", ".py"}
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


def _selftest(*args: str) -> tuple[dict[str, Any], int]:
    cpelo = Path(sys.executable).parent / "cpelo"
    proc = subprocess.run(
        [str(cpelo), "sandbox", "selftest", "--json", *args], capture_output=True, text=True, check=False
    )
    return json.loads(proc.stdout), proc.returncode


def test_selftest_cli_json() -> None:
    """The command `make demo` runs: both tables (the sandbox's and the judge's), JSON in the documented
    shape, every attack contained, exit 0."""
    report, returncode = _selftest()
    assert set(report) == {"backend", "negative_control", "attacks", "passed", "failed", "layers"}
    assert all(set(a) == {"name", "layer", "contained", "status", "detail"} for a in report["attacks"])
    missed = [(a["name"], a["status"], a["detail"]) for a in report["attacks"] if not a["contained"]]
    assert report["backend"] == "native" and not missed, missed
    names = {
        layer: [a["name"] for a in report["attacks"] if a["layer"] == layer] for layer in report["layers"]
    }
    assert names == {"sandbox": [a.name for a in ATTACKS], "judge": [a.name for a in JUDGE_ATTACKS]}
    assert report["passed"] == len(ATTACKS) + len(JUDGE_ATTACKS) and report["failed"] == 0
    assert returncode == 0


def test_negative_control_lets_every_attack_through() -> None:
    """`selftest --negative-control`: without isolation (sandbox attacks harmless to the host when they
    succeed) or without a fresh box per test (the judge's), each attack gets through, so its checks are
    not vacuous."""
    report, returncode = _selftest("--negative-control")
    contained = [(a["name"], a["detail"]) for a in report["attacks"] if a["contained"]]
    assert report["negative_control"] and not contained, contained
    assert sorted(a["name"] for a in report["attacks"] if a["layer"] == "sandbox") == sorted(
        UNCONFINED_CONTROLS
    )
    judge = {a["name"]: a["control"] for a in report["attacks"] if a["layer"] == "judge"}
    assert judge == {a.name: a.control_name for a in JUDGE_ATTACKS if a.control}
    assert report["failed"] == 0 and returncode == 0


def test_selftest_one_layer() -> None:
    """`--layer sandbox` (what the VM test runs, with its options for emulation) holds the sandbox's
    table alone; as a control, so that it stays quick."""
    with tempfile.TemporaryDirectory() as cache:
        args = ("--negative-control", "--layer", "sandbox", "--time-scale", "2", "--build-cache", cache)
        report, returncode = _selftest(*args)
        assert any(Path(cache).iterdir())  # the compiled attacks were kept
    assert set(report["layers"]) == {"sandbox"}
    assert sorted(a["name"] for a in report["attacks"]) == sorted(UNCONFINED_CONTROLS)
    assert {a["layer"] for a in report["attacks"]} == {"sandbox"} and returncode == 0


def test_shared_network_lets_runs_meet() -> None:
    """Negative control of the private network namespace: with one namespace shared by every run, the
    probe sees the other run's TIME_WAIT socket and reaches its abstract unix socket."""
    attacks = [a for a in ATTACKS if a.name == "cross_run_network"]
    report = run_suite(SandboxConfig(network="shared"), attacks=attacks)
    outcome = report.attacks[0]
    assert not outcome.contained
    assert "abstract socket" in outcome.detail and "/net/tcp" in outcome.detail, outcome.detail


def test_default_network_is_private_per_run() -> None:
    assert SandboxConfig().network == "private"
