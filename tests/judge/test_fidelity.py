"""Fidelity over real problems: every jury submission of ../shared/data judged against its label.

Targets: 100% agreement for accepted, wrong_answer and run_time_error; every time_limit_exceeded
submission rejected and >= 90% of them as TIME_LIMIT_EXCEEDED. Uses the user's compile cache (content
addressed, so sharing it is safe) because compiling ~80 jury programs dominates a cold run.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from judge.verdict import Verdict

BENCH = Path(__file__).resolve().parents[2] / "bench" / "judge_fidelity.py"


def _fidelity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("judge_fidelity_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fidelity = _fidelity()
PROBLEMS = fidelity.problem_dirs(fidelity.shared_data())
# These two run 50-80 CPU-heavy tests per accepted jury program (minutes of CPU in all): opt in.
HEAVY = {"decryptingzodiac", "highwaycombinatorics"}
RUN_HEAVY = os.environ.get("CPELO_SLOW_TESTS") == "1"


def _param(problem: Path) -> object:
    marks = [pytest.mark.slow]
    if problem.name in HEAVY and not RUN_HEAVY:
        reason = "minutes of CPU: set CPELO_SLOW_TESTS=1, or run bench/judge_fidelity.py"
        marks.append(pytest.mark.skip(reason=reason))
    return pytest.param(problem, id=problem.name, marks=marks)


@pytest.mark.skipif(not PROBLEMS, reason=f"real data absent at {fidelity.shared_data()} (CPELO_SHARED_DATA)")
@pytest.mark.parametrize("problem", [_param(p) for p in PROBLEMS])
def test_jury_submissions_get_their_labels(problem: Path) -> None:
    cases, _skipped = fidelity.judge_problem(problem, jobs=2)
    assert cases, f"{problem}: no submission in a language this judge has"
    E = fidelity.ExpectedVerdict
    strict = [c for c in cases if c.label in (E.ACCEPTED, E.WRONG_ANSWER, E.RUN_TIME_ERROR)]
    bad = [
        f"{c.path.name} ({c.label.value}): {c.result.summary()} {c.result.time_s:.2f}s"
        for c in strict
        if not c.agrees
    ]
    assert not bad, bad
    tle = [c for c in cases if c.label is E.TIME_LIMIT_EXCEEDED]
    accepted_tle = [c.path.name for c in tle if c.result.verdict is Verdict.OK]
    assert not accepted_tle, accepted_tle
    if tle:
        as_tle = sum(c.result.verdict is Verdict.TIME_LIMIT_EXCEEDED for c in tle)
        # Per problem a single interactive no-flush submission (IDLE) may miss; overall target >= 90%.
        assert as_tle >= len(tle) - 1, [(c.path.name, c.result.summary()) for c in tle]
