"""Contest scoring rules: Codeforces rounds (`cf`) and ICPC-style rounds (`icpc`).

Sources (public): the Codeforces contest rules, https://codeforces.com/blog/entry/4088 (the formal
rules: scoring of a round, which rejections are penalised, pretests and system testing) and
https://codeforces.com/blog/entry/13420; for the ICPC-style rounds, the announcement of every
Educational round, e.g. Educational Codeforces Round 54 (contest 1076): "held on extended ACM ICPC
rules. The penalty for each incorrect submission until the submission with a full solution is 10
minutes".

- `cf`: a problem worth x in a contest of d minutes, accepted at minute t after w counted wrong attempts,
  earns max(0.3x, x - floor(120*x*t / (250*d)) - 50w) (the time loss is floored to whole points, as
  Codeforces' standings show, e.g. 1.33 points a minute for x = 500 in a 3-hour round). For d = 120 the
  value falls by x/250 per minute (1000 at minute 10 after 2 counted wrong attempts = 1000 - 40 - 100 =
  860; 500 at the end of the round = 260). Standings: points descending (hacks are not simulated, so
  penalty is 0).
- `icpc`: standings by problems solved, then penalty ascending; the penalty of a solved problem is the
  minute of its accepted attempt plus `wrong_penalty` (10 on Codeforces' Educational/Div. 3/Div. 4
  rounds) per counted wrong attempt before it; unsolved problems add nothing.

Minutes are whole minutes elapsed (Codeforces floors the submission time in seconds to minutes).

Which attempts count (Codeforces: "compilation errors and rejections on the first test are not
penalised"): a rejection counts as a wrong attempt unless it is COMPILATION_ERROR, failed on test 1, or
JUDGE_ERROR (the judge's fault, never the contestant's). Nothing after the first accepted attempt
matters, and attempts after the end of the contest are ignored.

Pretests vs system tests. On a problem with pretests, a submission is judged during the round on the
pretests only. One that passes them is shown as "Pretests passed": the contestant stops working on the
problem (we submit nothing more for it), and at system testing it is judged on all tests. If it fails
there, the problem is unsolved: Codeforces scores it 0 and, on ICPC-style rounds, its rejected attempts
add no penalty (penalty is only charged on solved problems), so those earlier wrong attempts no longer
matter. A problem without pretests is judged on all its tests during the round.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import StrEnum
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

CF_WRONG_POINTS = 50
CF_FLOOR = 0.3
ICPC_WRONG_MINUTES = 10
_NOT_COUNTED = frozenset({"COMPILATION_ERROR", "JUDGE_ERROR"})


class RuleSet(StrEnum):
    CF = "cf"
    ICPC = "icpc"


class Outcome(StrEnum):
    """What one attempt turned out to be, as the contestant sees it and after system testing."""

    ACCEPTED = "accepted"  # passed every test
    FAILED_SYSTEM = "failed_system_tests"  # passed the pretests during the round, failed system testing
    REJECTED = "rejected"  # rejected during the round (counted or not)
    IGNORED = "ignored"  # after the first acceptance / pretests passed, or after the end of the contest


class Attempt(BaseModel):
    """One submission to one problem as the rules see it."""

    model_config = ConfigDict(frozen=True)

    verdict: str = Field(description="the judge's verdict over all tests (Codeforces name)")
    failed_test: int | None = Field(None, description="first failed test (1-based); None when OK or CE")
    minute: float = Field(ge=0, description="minutes since the start of the contest")


class ProblemScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    solved: bool
    points: float = Field(description="cf: points earned; icpc: 1 when solved else 0")
    penalty: int = Field(description="icpc: minutes of penalty for this problem; cf: 0")
    wrong: int = Field(description="counted wrong attempts before the acceptance (or in all, if unsolved)")
    minute: float | None = Field(description="whole minute of the accepted attempt; None when unsolved")
    outcomes: list[Outcome]


class Row(BaseModel):
    """A contestant's line in the standings."""

    model_config = ConfigDict(frozen=True)

    points: float
    penalty: int = 0


def counts_as_wrong(verdict: str, failed_test: int | None) -> bool:
    """Whether a rejected attempt is penalised (see the module docstring)."""
    if verdict == "OK" or verdict in _NOT_COUNTED:
        return False
    return failed_test != 1


def cf_points(x: float, duration: float, minute: float, wrong: int) -> float:
    """Codeforces points for a problem worth x accepted at `minute` after `wrong` counted wrong attempts."""
    if x < 0 or duration <= 0 or minute < 0 or wrong < 0:
        raise ValueError(f"cf_points: invalid x={x}, duration={duration}, minute={minute}, wrong={wrong}")
    t = math.floor(minute)
    # Exact rational arithmetic: a float product can land a hair below an integer and floor one point off.
    loss = math.floor(Fraction(x) * t * 120 / (250 * Fraction(duration)))
    value = x - loss - CF_WRONG_POINTS * wrong
    return float(max(CF_FLOOR * x, value))


def outcome(attempt: Attempt, pretests: int | None) -> Outcome:
    """What an attempt means under the pretest rule (`pretests`: tests judged during the round, or None)."""
    if attempt.verdict == "OK":
        return Outcome.ACCEPTED
    if pretests is not None and attempt.failed_test is not None and attempt.failed_test > pretests:
        return Outcome.FAILED_SYSTEM
    return Outcome.REJECTED


def score_problem(
    attempts: Iterable[Attempt],
    *,
    rules: RuleSet,
    duration: float,
    points: float | None = None,
    pretests: int | None = None,
    wrong_penalty: int = ICPC_WRONG_MINUTES,
) -> ProblemScore:
    """Score one problem from its attempts in submission order."""
    if rules is RuleSet.CF and points is None:
        raise ValueError("cf rules need the problem's points")
    wrong = 0
    done = False
    outcomes: list[Outcome] = []
    result: tuple[bool, float | None] = (False, None)
    for attempt in attempts:
        if done or attempt.minute > duration:
            outcomes.append(Outcome.IGNORED)
            continue
        what = outcome(attempt, pretests)
        outcomes.append(what)
        if what is Outcome.REJECTED:
            wrong += counts_as_wrong(attempt.verdict, attempt.failed_test)
            continue
        done = True
        if what is Outcome.ACCEPTED:
            result = (True, float(math.floor(attempt.minute)))
    solved, minute = result
    if not solved or minute is None:
        return ProblemScore(solved=False, points=0.0, penalty=0, wrong=wrong, minute=None, outcomes=outcomes)
    if rules is RuleSet.CF:
        assert points is not None
        earned = cf_points(points, duration, minute, wrong)
        return ProblemScore(
            solved=True, points=earned, penalty=0, wrong=wrong, minute=minute, outcomes=outcomes
        )
    return ProblemScore(
        solved=True,
        points=1.0,
        penalty=int(minute) + wrong_penalty * wrong,
        wrong=wrong,
        minute=minute,
        outcomes=outcomes,
    )


def total(scores: Sequence[ProblemScore]) -> Row:
    """The standings row of a contestant from its problem scores."""
    return Row(points=sum(s.points for s in scores), penalty=sum(s.penalty for s in scores))


def sort_key(rules: RuleSet, row: Row) -> tuple[float, int]:
    """Smaller is better: points descending, then (icpc) penalty ascending."""
    if rules is RuleSet.CF:
        return (-round(row.points, 6), 0)
    return (-round(row.points, 6), row.penalty)


def rank_of(rules: RuleSet, row: Row, others: Iterable[Row]) -> int:
    """1-based place of `row` among `others` as Codeforces displays it: ties share the best place."""
    key = sort_key(rules, row)
    return 1 + sum(1 for other in others if sort_key(rules, other) < key)
