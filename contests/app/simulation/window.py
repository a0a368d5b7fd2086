"""Which of the given contests a simulation uses: the date window, and no contest twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from contests.app.simulation.errors import SimulationError
from contests.app.simulation.options import SimulateOptions
from contests.contest import Contest


def in_window(contest: Contest, after: datetime | None, before: datetime | None) -> bool:
    if after is None and before is None:
        return True
    if contest.start_time is None:
        return False
    start = _aware(contest.start_time)
    if after is not None and start < _aware(after):
        return False
    return not (before is not None and start >= _aware(before))


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def select(contests: Sequence[Contest], options: SimulateOptions) -> tuple[list[Contest], list[str]]:
    """(the contests in the window, the ids of those left out); an empty or repeated selection fails."""
    selected = [c for c in contests if in_window(c, options.after, options.before)]
    excluded = [c.id for c in contests if c not in selected]
    if not selected:
        raise SimulationError(
            f"no contest left in the window after={options.after} before={options.before} "
            f"(excluded: {', '.join(excluded) or 'none'})"
        )
    ids = [c.id for c in selected]
    if len(set(ids)) != len(ids):
        raise SimulationError(
            f"contest given twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}"
        )
    return selected, excluded
