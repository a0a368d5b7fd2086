"""The attack suite: hostile programs the sandbox must contain (see ``table.py``)."""

from sandbox.attacks.attack import Attack
from sandbox.attacks.suite import AttackOutcome, SuiteReport, run_suite
from sandbox.attacks.table import ATTACKS

__all__ = ["ATTACKS", "Attack", "AttackOutcome", "SuiteReport", "run_suite"]
