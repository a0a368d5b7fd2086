"""The contest simulation (`cpelo simulate`, `cpelo demo`): one module per step, `run.simulate` ties them.

options (what is asked) -> window (which contests) -> generate (the agent's samples) -> judging (each
distinct program once, cached: cache) -> play (the rules, the attempt policy, timing) -> aggregate
(placement, rating, bootstrap) -> outputs (the `results` document; pass@k from passk).
"""

from __future__ import annotations

from contests.app.simulation.errors import SimulationError
from contests.app.simulation.options import Reporter, SimulateOptions
from contests.app.simulation.run import simulate

__all__ = ["Reporter", "SimulateOptions", "SimulationError", "simulate"]
