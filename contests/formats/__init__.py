"""Problem and contest formats: native, Kattis, Polygon, CodeContests, open-r1, Codeforces API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judge.task import JudgeTask


def load_judge_task(path: Path, *, time_limit: float | None = None, derive: bool = True) -> JudgeTask:
    """See contests.problem_loader.load_judge_task (re-exported here for discoverability)."""
    from contests.problem_loader import load_judge_task as load

    return load(path, time_limit=time_limit, derive=derive)
