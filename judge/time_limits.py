"""Time limits that give the same verdict on a loaded machine as on a quiet one.

CPU time is not a constant of the program: on a shared machine the same work took 1.8 s alone and over
3 s beside another job (caches, memory bandwidth, a noisy host), so a memory hog reached its memory
limit first when alone (MLE) and its CPU limit first when not (TLE), and a verdict depended on --jobs.
Load only ever makes a run slower, so a run over the limit is the one verdict that load can fake.

The rule (after DOMjudge and Codeforces):
- DOMjudge runs each test with a hard limit of the time limit plus an overshoot (default "1s|10%") and
  calls anything over the time limit TLE; the overshoot shows how far over it went, and its manual asks
  the jury to rejudge near-limit submissions. Codeforces' invokers, as its posts tell it, run a test that
  exceeds the limit again before they call it TLE.
- Here: a test runs under a hard CPU limit of ``soft x (1 + OVERSHOOT) + 0.1 s``; a run over the soft
  limit that ended within the hard one (it finished, crashed or ran out of memory there) landed near the
  limit and is run again, up to CONFIRM_RUNS more times, stopping at the first run within the limit;
  the fastest run decides the verdict. A run killed at the hard limit is TLE at once: it was far over.
  Every result records how many runs its test took and the limit it was judged against.
"""

from __future__ import annotations

from sandbox import RunResult, Status

OVERSHOOT = 0.25  # the hard limit's margin over the time limit, as a fraction of it
OVERSHOOT_S = 0.1  # and in seconds, for very small limits
CONFIRM_RUNS = 2  # extra runs of a test that landed over the limit but within the hard limit


def hard_limit(time_limit: float) -> float:
    """The CPU seconds a run may use before the sandbox kills it (``time_limit`` decides the verdict)."""
    return time_limit * (1 + OVERSHOOT) + OVERSHOOT_S


def landed_near_the_limit(result: RunResult, time_limit: float) -> bool:
    """Over the time limit, but not killed at the hard limit: worth running again."""
    if result.status in (Status.TIME_LIMIT, Status.IDLE_LIMIT, Status.SANDBOX_ERROR, Status.OUTPUT_LIMIT):
        return False
    return result.cpu_time > time_limit


def faster(a: RunResult, b: RunResult) -> bool:
    """Whether run ``a`` used less CPU than run ``b``."""
    return a.cpu_time < b.cpu_time
