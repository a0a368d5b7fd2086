"""The attack suite: hostile programs the sandbox must contain (see ``table.py``)."""

from sandbox.attacks.suite import AttackOutcome, SuiteReport, run_suite
from sandbox.attacks.table import ATTACKS, Attack

__all__ = ["ATTACKS", "Attack", "AttackOutcome", "SuiteReport", "run_suite"]
