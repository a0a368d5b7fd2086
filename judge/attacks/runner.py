"""Judging each hostile program of the table against its little task, and deciding containment."""

from __future__ import annotations

import resource
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from judge.attacks.table import JUDGE_ATTACKS, JudgeAttack, Protection
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.judge import Judge
from judge.task import CheckerSpec, InteractorProtocol, InteractorSpec, JudgeTask, TestCase
from judge.verdict import JudgeResult, Verdict
from sandbox import SandboxConfig
from sandbox.attacks import AttackOutcome

LAYER = "judge"
MEMORY_LIMIT = 256 << 20
_ANSWER_PATHS = "ANSWER_PATHS = []"  # placeholder in a program hunting for answers by host path
# The judging process itself is not sandboxed: whatever a program prints, it must stay small (checkers
# stream). Its high-water mark may grow by this much over one attack.
JUDGE_GROWTH_BOUND = 64 << 20


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _task(attack: JudgeAttack, data: Path) -> JudgeTask:
    data.mkdir(parents=True, exist_ok=True)
    inputs = attack.inputs or tuple(str(i) for i in range(1, attack.tests + 1))
    cases = []
    for i, text in enumerate(inputs, start=1):
        (data / f"{i:02d}.in").write_text(text + "\n")
        answer = data / f"{i:02d}.ans"
        if attack.answer == "63 MiB of tokens":
            with open(answer, "wb") as f:
                for _ in range(63 * 16):
                    f.write(b"1234567 " * 8192)
        else:
            answer.write_text("" if attack.interactor else "0\n")
        cases.append(TestCase(index=i, input=data / f"{i:02d}.in", answer=answer))
    interactor = None
    if attack.interactor:
        interactor = InteractorSpec(
            protocol=InteractorProtocol.KATTIS, source=attack.source.parent / attack.interactor
        )
    return JudgeTask(
        id=attack.name,
        tests=tuple(cases),
        time_limit=attack.time_limit,
        memory_limit=MEMORY_LIMIT,
        interactor=interactor,
        checker=CheckerSpec(kind=attack.checker),
    )


def _source(attack: JudgeAttack, task: JudgeTask, bait_answers: Sequence[Path], home: Path) -> Path:
    """The program to judge; one hunting answers gets their absolute host paths: this task's and the bait."""
    text = attack.source.read_text()
    if _ANSWER_PATHS not in text:
        return attack.source
    paths = [str(t.answer.resolve()) for t in task.tests] + [str(p) for p in bait_answers]
    filled = home / attack.program
    filled.write_text(text.replace(_ANSWER_PATHS, f"ANSWER_PATHS = {paths!r}"))
    return filled


def _without(protections: Sequence[Protection], config: JudgeConfig) -> JudgeConfig:
    for protection in protections:
        config = _without_one(protection, config)
    return config


def _without_one(protection: Protection, config: JudgeConfig) -> JudgeConfig:
    if protection is Protection.SANDBOX:
        return config.model_copy(
            update={"sandbox": SandboxConfig(backend="unconfined", allow_unconfined=True)}
        )
    return config.model_copy(update={"fresh_box": False})


def _control_chars(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def _failures(attack: JudgeAttack, task: JudgeTask, result: JudgeResult, growth: int) -> list[str]:
    """Why the attack was NOT contained (empty: it was)."""
    failures = []
    if growth > JUDGE_GROWTH_BOUND:
        failures.append(f"the judge's own memory grew by {growth >> 20} MiB")
    if result.verdict != attack.expect:
        tests = [f"test {t.index} {t.verdict.value}: {t.checker_message[:120]}" for t in result.tests]
        failures.append(
            f"verdict {result.verdict.value}, expected {attack.expect.value} "
            f"({'; '.join(tests) or result.compile_log[-300:]})"
        )
    for t in result.tests:
        if chars := _control_chars(t.checker_message):
            failures.append(f"test {t.index}: raw control characters in the message: {chars[:5]!r}")
        if attack.expect is Verdict.OK and t.verdict is Verdict.OK and t.memory_bytes > task.memory_limit:
            failures.append(f"test {t.index}: OK with peak {t.memory_bytes} > limit {task.memory_limit}")
    if attack.message_contains is not None:
        message = result.tests[0].checker_message if result.tests else ""
        if attack.message_contains not in message:
            failures.append(f"message lacks {attack.message_contains!r}: {message[:200]!r}")
    return failures


def run_judge_attack(
    attack: JudgeAttack,
    config: JudgeConfig,
    home: Path,
    *,
    negative_control: bool = False,
    bait_answers: Sequence[Path] = (),
) -> AttackOutcome:
    """Judges ``attack`` in ``home`` (an empty dir); with ``negative_control``, with its protections off,
    where the attack must get through: then ``contained`` is False exactly when it got its control verdict."""
    if negative_control and not attack.control:
        raise ValueError(f"{attack.name}: no negative control in the table")
    task = _task(attack, home / "data")
    source = _source(attack, task, bait_answers, home)
    if negative_control:
        config = _without(attack.control, config)
    control = attack.control_name if negative_control else None
    expected = [(attack.control_expect or attack.expect).value if control else attack.expect.value]
    rss_before = _maxrss()
    try:
        result = Judge(config).judge(task, source, run_all=True)
    except JudgeError as exc:
        return AttackOutcome(
            name=attack.name, layer=LAYER, contained=False, status=Verdict.JUDGE_ERROR.value,
            detail=str(exc)[:500], expected=expected, control=control,
        )  # fmt: skip
    failures = _failures(attack, task, result, _maxrss() - rss_before)
    if control:
        through = result.verdict == attack.control_expect
        detail = f"{control}: {result.verdict.value}, " + (
            "got through as expected" if through else f"expected {expected[0]}: the control proves nothing"
        )
        contained = not through
    else:
        peak = max((t.memory_bytes for t in result.tests), default=0)
        time_s = max((t.wall_s for t in result.tests), default=0.0)
        growth = (_maxrss() - rss_before) >> 20
        measured = (
            f"{len(result.tests)} tests; wall {time_s:.3f}s peak {peak // 1024} KiB; judge +{growth} MiB"
        )
        detail = "; ".join(failures) if failures else measured
        contained = not failures
    return AttackOutcome(
        name=attack.name, layer=LAYER, contained=contained, status=result.verdict.value, detail=detail,
        expected=expected, control=control,
    )  # fmt: skip


def run_judge_attacks(
    config: JudgeConfig,
    *,
    attacks: Sequence[JudgeAttack] = JUDGE_ATTACKS,
    negative_control: bool = False,
    bait_answers: Sequence[Path] = (),
    progress: Callable[[str], None] | None = None,
) -> list[AttackOutcome]:
    """Judges every attack under ``config`` (its sandbox backend); one outcome per attack. With
    ``negative_control`` only the attacks that have a control, each with its protections off."""
    if negative_control:
        attacks = [a for a in attacks if a.control]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="cpelo-judge-attacks-", dir=config.work_dir) as tmp:
        for attack in attacks:
            if progress:
                progress(attack.name)
            home = Path(tmp) / attack.name
            home.mkdir()
            outcomes.append(
                run_judge_attack(
                    attack, config, home, negative_control=negative_control, bait_answers=bait_answers
                )
            )
    return outcomes
