"""The attack suite, one test per row of the table, and the `cpelo sandbox selftest` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import SandboxConfig
from sandbox.attacks import ATTACKS, Attack, run_suite

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


def test_selftest_cli_json() -> None:
    """The command `make demo` runs for now; JSON in the documented shape, exit 0 when all contained."""
    cpelo = Path(sys.executable).parent / "cpelo"
    proc = subprocess.run(
        [str(cpelo), "sandbox", "selftest", "--json"], capture_output=True, text=True, check=False
    )
    report = json.loads(proc.stdout)
    assert set(report) == {"backend", "attacks", "passed", "failed"}
    assert all(set(a) == {"name", "contained", "status", "detail"} for a in report["attacks"])
    assert report["backend"] == "native" and report["passed"] == len(ATTACKS) and report["failed"] == 0
    assert proc.returncode == 0


NEGATIVE_CONTROLS = (
    "read_secrets",
    "list_homes",
    "proc_environ",
    "tcp_connect",
    "udp_send",
    "symlink_escape",
    "raw_socket",
    "socket_families",
    "proc_host_info",
    "stdin_name",
    "cross_run_network",
    "tcp_buffers",
    "udp_buffers",
    "usr_local",
)


def test_checks_catch_escapes_without_isolation() -> None:
    """Negative control: without isolation these attacks succeed, so their checks are not vacuous.
    (Only attacks harmless to the host when they do succeed.)"""
    attacks = [a for a in ATTACKS if a.name in NEGATIVE_CONTROLS]
    config = SandboxConfig(backend="unconfined", allow_unconfined=True)
    report = run_suite(config, attacks=attacks)
    assert [o.name for o in report.attacks if o.contained] == []
    assert report.failed == len(NEGATIVE_CONTROLS)


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
