"""Which extra inputs a problem's input validator accepts: inputs cpelo did not ship (the agent's own,
`--extra-inputs-from agent`) are checked before candidates are compared on them, as a judge checks its
tests, so a malformed input cannot split candidates that would agree on every valid one.

The validator reads one input on stdin and accepts it by its exit status (Problem.input_validator:
testlib's validators exit 0, Kattis input validators 42); it runs in the sandbox under the problem's
limits, since an input written by a model is as untrusted as its programs.
"""

from __future__ import annotations

from contests.app.simulation.behaviour import run_on_inputs
from contests.app.simulation.errors import SimulationError
from contests.problem import InputValidator
from judge.config import JudgeConfig
from judge.judge import Judge
from judge.task import JudgeTask


def accepted(
    judge: Judge, task: JudgeTask, validator: InputValidator, inputs: list[str], config: JudgeConfig
) -> list[bool]:
    """Per input, whether the validator exited with its 'valid' status."""
    if not inputs:
        return []
    program = judge.compile(validator.source, validator.language)
    if not program.ok:
        raise SimulationError(f"input validator {validator.source}: does not compile: {program.log[-300:]}")
    runs = run_on_inputs(program, program.language, task, inputs, config)
    return [result.exit_code == validator.valid_exit for result, _ in runs]
