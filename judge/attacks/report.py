"""Both attack tables on one backend: the sandbox's (one hostile run) and the judge's (a hostile
submission across the tests of a problem), as one report; or, as a negative control, the attacks that
have one with their protection switched off, each of which must then get through."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TypedDict

from pydantic import BaseModel, Field

from judge.attacks.runner import LAYER, run_judge_attacks
from judge.attacks.table import JUDGE_ATTACKS
from judge.config import JudgeConfig
from sandbox import SandboxConfig
from sandbox.attacks import ATTACKS, UNCONFINED_CONTROLS, AttackOutcome, run_suite


class SuiteScale(TypedDict):
    time_scale: float
    build_cache: Path | None


Progress = Callable[[str, str], None]
"""Called with (layer, attack name) before each attack runs."""


class LayerSummary(BaseModel):
    contained: int
    total: int
    seconds: float = Field(description="wall time of the layer's table, compiling included")


class IntegrityReport(BaseModel):
    backend: str
    negative_control: bool = Field(description="protections switched off: every attack must get through")
    attacks: list[AttackOutcome]
    passed: int = Field(description="attacks as they should be: contained, or got through in a control")
    failed: int
    layers: dict[str, LayerSummary]

    @property
    def ok(self) -> bool:
        return self.failed == 0


LAYERS = ("sandbox", LAYER)


def planned(negative_control: bool = False, layers: Collection[str] = LAYERS) -> list[tuple[str, str]]:
    """(layer, name) of every attack the report will hold, in order."""
    sandbox = [a.name for a in ATTACKS if not negative_control or a.name in UNCONFINED_CONTROLS]
    judge = [a.name for a in JUDGE_ATTACKS if not negative_control or a.control]
    rows = [("sandbox", n) for n in sandbox] + [(LAYER, n) for n in judge]
    return [(layer, n) for layer, n in rows if layer in layers]


def integrity_selftest(
    config: JudgeConfig,
    *,
    negative_control: bool = False,
    bait_answers: Sequence[Path] = (),
    progress: Progress | None = None,
    layers: Collection[str] = LAYERS,
    time_scale: float = 1.0,
    build_cache: Path | None = None,
) -> IntegrityReport:
    """Runs both tables (or those of ``layers``) on ``config.sandbox``'s backend. ``bait_answers``: host
    files (answers of installed problems) the judge's answer hunter tries to read. ``time_scale`` and
    ``build_cache`` go to the sandbox's table (see ``run_suite``); the judge's keeps its own limits."""

    def tell(layer: str) -> Callable[[str], None]:
        return lambda name: None if progress is None else progress(layer, name)

    started = time.monotonic()
    scaled = SuiteScale(time_scale=time_scale, build_cache=build_cache)
    sandbox: list[AttackOutcome] = []
    if "sandbox" in layers and negative_control:
        attacks = [a for a in ATTACKS if a.name in UNCONFINED_CONTROLS]
        unconfined = SandboxConfig(backend="unconfined", allow_unconfined=True)
        suite = run_suite(unconfined, attacks=attacks, progress=tell("sandbox"), **scaled)
        sandbox = [o.model_copy(update={"control": "unconfined"}) for o in suite.attacks]
    elif "sandbox" in layers:
        suite = run_suite(config.sandbox, progress=tell("sandbox"), **scaled)
        sandbox = suite.attacks
    sandbox_seconds = time.monotonic() - started
    started = time.monotonic()
    judge: list[AttackOutcome] = []
    if LAYER in layers:
        judge = run_judge_attacks(
            config,
            negative_control=negative_control,
            bait_answers=bait_answers,
            progress=tell(LAYER),
        )
    judge_seconds = time.monotonic() - started
    outcomes = [*sandbox, *judge]
    passed = sum(o.contained != negative_control for o in outcomes)
    layers = {
        name: LayerSummary(
            contained=sum(o.contained for o in rows), total=len(rows), seconds=round(seconds, 1)
        )
        for name, rows, seconds in (("sandbox", sandbox, sandbox_seconds), (LAYER, judge, judge_seconds))
        if name in layers
    }
    return IntegrityReport(
        backend=config.sandbox.backend,
        negative_control=negative_control,
        attacks=outcomes,
        passed=passed,
        failed=len(outcomes) - passed,
        layers=layers,
    )
