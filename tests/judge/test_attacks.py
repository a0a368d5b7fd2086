"""The judge-level attack table (tests/judge/attacks/attacks.toml): each hostile program gets its verdict,
and where the table names a control, switching that protection off lets the attack through."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import contests
from judge.config import JudgeConfig
from judge.judge import Judge
from judge.task import InteractorProtocol, InteractorSpec, JudgeTask, TestCase
from judge.verdict import JudgeResult
from sandbox import SandboxConfig

pytestmark = pytest.mark.root  # the protections are the native sandbox's; unconfined is only a control

ATTACKS = Path(__file__).resolve().parent / "attacks"
TABLE: list[dict[str, Any]] = tomllib.loads((ATTACKS / "attacks.toml").read_text())["attack"]
ROOT = Path(__file__).resolve().parents[2]


def _task(attack: dict[str, Any], data: Path) -> JudgeTask:
    data.mkdir(parents=True, exist_ok=True)
    inputs = attack.get("inputs") or [str(i) for i in range(1, attack.get("tests", 3) + 1)]
    cases = []
    for i, text in enumerate(inputs, start=1):
        (data / f"{i:02d}.in").write_text(text + "\n")
        answer = data / f"{i:02d}.ans"
        if attack.get("answer") == "63 MiB of tokens":
            with open(answer, "wb") as f:
                for _ in range(63 * 16):
                    f.write(b"1234567 " * 8192)
        else:
            answer.write_text("" if "interactor" in attack else "0\n")
        cases.append(TestCase(index=i, input=data / f"{i:02d}.in", answer=answer))
    interactor = None
    if "interactor" in attack:
        interactor = InteractorSpec(protocol=InteractorProtocol.KATTIS, source=ATTACKS / attack["interactor"])
    return JudgeTask(
        id=attack["name"],
        tests=tuple(cases),
        time_limit=attack.get("time_limit", 2.0),
        memory_limit=256 << 20,
        interactor=interactor,
    )


def _source(attack: dict[str, Any], task: JudgeTask) -> Path:
    program = ATTACKS / attack["program"]
    if program.name != "read_answers.py":
        return program
    # The answers it hunts: this task's, and every bundled contest's, by their absolute host paths.
    bundled = Path(contests.__file__).resolve().parent / "bundled"
    paths = [str(t.answer.resolve()) for t in task.tests] + [
        str(p) for p in sorted(bundled.rglob("*.ans"))[:50]
    ]
    filled = task.tests[0].input.parent / "read_answers.py"
    filled.write_text(program.read_text().replace("ANSWER_PATHS = []", f"ANSWER_PATHS = {paths!r}"))
    return filled


def _judge(
    attack: dict[str, Any], judge_cache: Path, config: SandboxConfig, tmp: Path, control: str
) -> JudgeResult:
    if control == "unconfined":
        config = SandboxConfig(backend="unconfined", allow_unconfined=True)
    judge_config = JudgeConfig(compile_cache=judge_cache, sandbox=config, fresh_box=control != "shared-box")
    task = _task(attack, tmp / "data")
    return Judge(judge_config).judge(task, _source(attack, task), run_all=True)


def _control_chars(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize("attack", TABLE, ids=[a["name"] for a in TABLE])
def test_attack_gets_its_verdict(
    attack: dict[str, Any], judge: Judge, judge_cache: Path, tmp_path: Path
) -> None:
    result = _judge(attack, judge_cache, judge.sandbox_config, tmp_path, control="")
    detail = [(t.index, t.verdict, t.checker_message[:200]) for t in result.tests] or result.compile_log[
        -500:
    ]
    assert result.verdict == attack["expect"], detail
    for t in result.tests:
        assert not _control_chars(t.checker_message), t.checker_message
        if attack["expect"] == "OK":
            assert t.memory_bytes <= 256 << 20  # one rule: an OK run's peak is within the limit
    if "message_contains" in attack:
        assert attack["message_contains"] in result.tests[0].checker_message


CONTROLLED = [a for a in TABLE if "control" in a]


@pytest.mark.parametrize("attack", CONTROLLED, ids=[a["name"] for a in CONTROLLED])
def test_attack_succeeds_with_the_protection_off(
    attack: dict[str, Any], judge: Judge, judge_cache: Path, tmp_path: Path
) -> None:
    result = _judge(attack, judge_cache, judge.sandbox_config, tmp_path, control=attack["control"])
    assert result.verdict == attack["control_expect"], [
        (t.index, t.verdict, t.checker_message) for t in result.tests
    ]


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
