"""The judge-level attack table (judge/attacks/attacks.toml): each hostile program gets its verdict,
and where the table names a control, switching that protection off lets the attack through."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contests.catalog import bundled_root
from judge.attacks import JUDGE_ATTACKS, JudgeAttack, run_judge_attack
from judge.config import JudgeConfig
from judge.judge import Judge

pytestmark = pytest.mark.root  # the protections are the native sandbox's; unconfined is only a control

ROOT = Path(__file__).resolve().parents[2]
BAIT = sorted(bundled_root().rglob("*.ans"))[:50]  # installed answers the answer hunter tries to read


def _config(judge: Judge, judge_cache: Path) -> JudgeConfig:
    return JudgeConfig(compile_cache=judge_cache, sandbox=judge.sandbox_config)


@pytest.mark.parametrize("attack", JUDGE_ATTACKS, ids=lambda a: a.name)
def test_attack_gets_its_verdict(
    attack: JudgeAttack, judge: Judge, judge_cache: Path, tmp_path: Path
) -> None:
    outcome = run_judge_attack(attack, _config(judge, judge_cache), tmp_path, bait_answers=BAIT)
    assert outcome.layer == "judge" and outcome.status == attack.expect.value, outcome.detail
    assert outcome.contained, outcome.detail


CONTROLLED = [a for a in JUDGE_ATTACKS if a.control]


@pytest.mark.parametrize("attack", CONTROLLED, ids=lambda a: a.name)
def test_attack_succeeds_with_the_protection_off(
    attack: JudgeAttack, judge: Judge, judge_cache: Path, tmp_path: Path
) -> None:
    outcome = run_judge_attack(
        attack, _config(judge, judge_cache), tmp_path, negative_control=True, bait_answers=BAIT
    )
    assert outcome.control == attack.control_name
    assert outcome.status == attack.control_expect and not outcome.contained, outcome.detail


def test_table_has_controls_and_programs() -> None:
    assert len(JUDGE_ATTACKS) >= 13 and len({a.name for a in JUDGE_ATTACKS}) == len(JUDGE_ATTACKS)
    assert len(CONTROLLED) >= 8
    assert all(a.source.is_file() for a in JUDGE_ATTACKS)
    assert all(a.control_expect is not None for a in CONTROLLED)


def test_the_judge_stays_small_whatever_a_program_prints() -> None:
    """64 MiB of tokens, and 64 MiB on one line: the judging process stays under 100 MiB (ru_maxrss)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "judge_memory.py"), "--mib", "63"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rows = {row["case"]: row for row in map(json.loads, proc.stdout.splitlines())}
    assert rows["tokens"]["verdict"] == "OK" and rows["one-line"]["verdict"] == "OK", rows
    assert rows["tokens"]["maxrss_mib"] < 100 and rows["one-line"]["maxrss_mib"] < 100, rows
