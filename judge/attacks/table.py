"""The judge-level attack table (``attacks.toml``): what a hostile submission tries across the tests of
one problem, the little task it is judged on, and the verdict that means "contained"."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from judge.task import CheckerKind
from judge.verdict import Verdict

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"


class Protection(StrEnum):
    """A protection a negative control switches off."""

    FRESH_BOX = "shared-box"  # JudgeConfig.fresh_box=False: the tests of a submission share one work dir
    SANDBOX = "unconfined"  # the unconfined sandbox backend: no isolation at all


class JudgeAttack(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    program: str = Field(description="file in programs/")
    expect: Verdict = Field(description="the verdict when the protection holds")
    tests: int = Field(3, ge=1, description="number of tests, inputs 1..N (unless `inputs`)")
    inputs: tuple[str, ...] = Field((), description="the tests' inputs, one per test")
    answer: str | None = Field(None, description='"63 MiB of tokens": a large answer; default "0"')
    interactor: str | None = Field(None, description="a Kattis-protocol interactor in programs/")
    checker: CheckerKind = Field(CheckerKind.TOKENS, description="a built-in checker comparing the output")
    time_limit: float = 2.0
    message_contains: str | None = Field(None, description="text the first test's message must show")
    control: tuple[Protection, ...] = Field((), description="the protections a negative control switches off")
    control_expect: Verdict | None = Field(None, description="the verdict with those protections off")

    @property
    def control_name(self) -> str | None:
        """The control as reported: the protections off, joined by "+" (None: the attack has none)."""
        return "+".join(p.value for p in self.control) or None

    @property
    def source(self) -> Path:
        return PROGRAMS / self.program


def _load() -> tuple[JudgeAttack, ...]:
    rows = tomllib.loads((HERE / "attacks.toml").read_text())["attack"]
    return tuple(JudgeAttack.model_validate(row) for row in rows)


JUDGE_ATTACKS: tuple[JudgeAttack, ...] = _load()
