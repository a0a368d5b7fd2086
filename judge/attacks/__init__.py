"""The judge-level attack suite: hostile submissions judged across the tests of a little problem (see
``attacks.toml``), and the report joining it with the sandbox's own table (``cpelo sandbox selftest``)."""

from judge.attacks.report import IntegrityReport, LayerSummary, integrity_selftest, planned
from judge.attacks.runner import run_judge_attack, run_judge_attacks
from judge.attacks.table import JUDGE_ATTACKS, JudgeAttack, Protection

__all__ = [
    "JUDGE_ATTACKS",
    "IntegrityReport",
    "JudgeAttack",
    "LayerSummary",
    "Protection",
    "integrity_selftest",
    "planned",
    "run_judge_attack",
    "run_judge_attacks",
]
