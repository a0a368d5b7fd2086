"""The simulation's error: a `ContestError`, so the CLI turns it into one line and exit 2."""

from __future__ import annotations

from contests.errors import ContestError


class SimulationError(ContestError):
    """The simulation cannot run as asked (bad option, missing data, unusable cache)."""
