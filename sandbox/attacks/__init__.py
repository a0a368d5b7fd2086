"""The attack suite: hostile programs the sandbox must contain (see ``table.py``)."""

from sandbox.attacks.attack import Attack
from sandbox.attacks.suite import AttackOutcome, SuiteReport, run_suite
from sandbox.attacks.table import ATTACKS, UNCONFINED_CONTROLS

__all__ = ["ATTACKS", "UNCONFINED_CONTROLS", "Attack", "AttackOutcome", "SuiteReport", "run_suite"]
