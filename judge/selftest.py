"""Proving each toolchain works here: its echo program, compiled and judged in the sandbox."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from judge.errors import JudgeError
from judge.judge import Judge
from judge.languages import LANGUAGES
from judge.task import CheckerKind, CheckerSpec, JudgeTask, TestCase
from judge.verdict import Verdict

ECHO_INPUT = b"cpelo self-test 42\nsecond line\n"


class SelfTestRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    ok: bool
    detail: str


def self_test(judge: Judge | None = None) -> list[SelfTestRow]:
    judge = judge or Judge()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cpelo-selftest-") as tmp:
        data = Path(tmp)
        (data / "1.in").write_bytes(ECHO_INPUT)
        (data / "1.ans").write_bytes(ECHO_INPUT)
        task = JudgeTask(
            id="echo",
            tests=(TestCase(index=1, input=data / "1.in", answer=data / "1.ans"),),
            time_limit=5.0,
            checker=CheckerSpec(kind=CheckerKind.EXACT),
        )
        for language in LANGUAGES:
            avail = language.availability()
            if not avail.available:
                rows.append(SelfTestRow(id=language.id, ok=False, detail=avail.reason))
                continue
            try:
                result = judge.judge(task, language.test_program, language)
            except JudgeError as exc:
                rows.append(SelfTestRow(id=language.id, ok=False, detail=str(exc)))
                continue
            ok = result.verdict is Verdict.OK
            detail = f"{avail.version}; {result.time_s:.3f} s, {result.memory_bytes / 2**20:.1f} MiB"
            if not ok:
                detail = f"{result.summary()}: {result.compile_log[:300] or result.tests[-1].checker_message}"
            rows.append(SelfTestRow(id=language.id, ok=ok, detail=detail))
    return rows
