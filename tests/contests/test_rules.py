"""Scoring rules: Codeforces' own examples and properties that must hold for any attempt history."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contests.rules import (
    Attempt,
    Outcome,
    Row,
    RuleSet,
    cf_points,
    counts_as_wrong,
    rank_of,
    score_problem,
    total,
)


def test_cf_post_example_860() -> None:
    # x = 1000, accepted at minute 10 after 2 counted wrong attempts, 2-hour round.
    assert cf_points(1000, 120, 10, 2) == 860


def test_cf_decay_is_x_over_250_per_minute_for_two_hours() -> None:
    assert cf_points(500, 120, 1, 0) == 498
    assert cf_points(1500, 120, 60, 0) == 1500 - 1500 * 60 / 250


def test_cf_decay_scales_with_contest_length() -> None:
    # A 150-minute round loses x/250 per 150/120 minutes: at minute 75 as much as at minute 60 of 120.
    assert cf_points(1000, 150, 75, 0) == cf_points(1000, 120, 60, 0)
    # A 3-hour round: 500 loses 4/3 points a minute, floored to whole points (Codeforces blog 81719).
    assert [cf_points(500, 180, t, 0) for t in (1, 2, 3)] == [499, 498, 496]
    assert cf_points(1500, 180, 3, 0) == 1500 - 12


def test_cf_end_of_round_values_from_the_rules_post() -> None:
    # Codeforces' first rules post: score at the end of a 2-hour round is 52% of the value.
    assert [cf_points(x, 120, 120, 0) for x in (500, 1000, 1500, 2000, 2500)] == [260, 520, 780, 1040, 1300]
    # A 1750 problem loses 7 points a minute in a 2-hour round.
    assert cf_points(1750, 120, 1, 0) == 1743


def test_cf_floor_is_thirty_percent() -> None:
    assert cf_points(1000, 120, 119, 20) == 300
    assert cf_points(2500, 120, 200, 0) == 750


def test_minutes_are_floored() -> None:
    assert cf_points(1000, 120, 10.99, 0) == cf_points(1000, 120, 10, 0)


def test_which_attempts_count() -> None:
    assert counts_as_wrong("WRONG_ANSWER", 2)
    assert counts_as_wrong("TIME_LIMIT_EXCEEDED", 7)
    assert not counts_as_wrong("WRONG_ANSWER", 1)
    assert not counts_as_wrong("RUNTIME_ERROR", 1)
    assert not counts_as_wrong("COMPILATION_ERROR", None)
    assert not counts_as_wrong("JUDGE_ERROR", 3)
    assert not counts_as_wrong("OK", None)


def _a(verdict: str, failed: int | None, minute: float) -> Attempt:
    return Attempt(verdict=verdict, failed_test=failed, minute=minute)


def test_cf_problem_with_uncounted_rejections() -> None:
    attempts = [
        _a("COMPILATION_ERROR", None, 1),
        _a("WRONG_ANSWER", 1, 2),
        _a("WRONG_ANSWER", 4, 3),
        _a("WRONG_ANSWER", 5, 4),
        _a("OK", None, 10),
        _a("WRONG_ANSWER", 3, 11),
    ]
    s = score_problem(attempts, rules=RuleSet.CF, duration=120, points=1000)
    assert s.solved and s.wrong == 2 and s.points == 860 and s.minute == 10
    assert s.outcomes[-1] is Outcome.IGNORED


def test_icpc_penalty() -> None:
    attempts = [_a("WRONG_ANSWER", 3, 5), _a("TIME_LIMIT_EXCEEDED", 8, 20), _a("OK", None, 42.5)]
    s = score_problem(attempts, rules=RuleSet.ICPC, duration=120)
    assert s.solved and s.points == 1 and s.penalty == 42 + 2 * 10


def test_icpc_unsolved_adds_no_penalty() -> None:
    s = score_problem([_a("WRONG_ANSWER", 3, 5)], rules=RuleSet.ICPC, duration=120)
    assert not s.solved and s.penalty == 0 and s.wrong == 1


def test_pretests_passed_then_failed_system_tests_is_unsolved_and_stops() -> None:
    # 5 pretests: failing test 9 passes them, so the contestant stops; system testing then fails it.
    attempts = [_a("WRONG_ANSWER", 2, 3), _a("WRONG_ANSWER", 9, 10), _a("OK", None, 20)]
    s = score_problem(attempts, rules=RuleSet.CF, duration=120, points=1000, pretests=5)
    assert not s.solved and s.points == 0
    assert s.outcomes == [Outcome.REJECTED, Outcome.FAILED_SYSTEM, Outcome.IGNORED]
    # Without pretests the same failure is a counted rejection and the later OK counts.
    s2 = score_problem(attempts, rules=RuleSet.CF, duration=120, points=1000, pretests=None)
    assert s2.solved and s2.wrong == 2 and s2.points == 1000 - 1000 * 20 / 250 - 100


def test_attempts_after_the_end_are_ignored() -> None:
    s = score_problem([_a("OK", None, 121)], rules=RuleSet.CF, duration=120, points=500)
    assert not s.solved and s.outcomes == [Outcome.IGNORED]


def test_cf_needs_points() -> None:
    with pytest.raises(ValueError):
        score_problem([], rules=RuleSet.CF, duration=120)


def test_rank_ties_share_the_best_place() -> None:
    others = [Row(points=3, penalty=50), Row(points=2, penalty=10), Row(points=2, penalty=10)]
    assert rank_of(RuleSet.ICPC, Row(points=2, penalty=10), others) == 2
    assert rank_of(RuleSet.ICPC, Row(points=2, penalty=9), others) == 2
    assert rank_of(RuleSet.ICPC, Row(points=2, penalty=11), others) == 4


verdicts = st.sampled_from(
    ["WRONG_ANSWER", "TIME_LIMIT_EXCEEDED", "RUNTIME_ERROR", "COMPILATION_ERROR", "MEMORY_LIMIT_EXCEEDED"]
)
rejections = st.lists(
    st.tuples(verdicts, st.integers(1, 30)).map(
        lambda vt: (vt[0], None if vt[0] == "COMPILATION_ERROR" else vt[1])
    ),
    max_size=8,
)
points_st = st.sampled_from([500, 750, 1000, 1500, 2000, 2500, 3000])
durations = st.sampled_from([90, 120, 135, 150, 180])


@given(
    x=points_st,
    d=durations,
    t=st.floats(0, 180),
    w=st.integers(0, 40),
)
def test_cf_points_within_floor_and_value(x: int, d: int, t: float, w: int) -> None:
    p = cf_points(x, d, t, w)
    assert 0.3 * x <= p <= x


@given(x=points_st, d=durations, t=st.floats(0, 180), w=st.integers(0, 40))
def test_an_extra_wrong_attempt_never_raises_the_score(x: int, d: int, t: float, w: int) -> None:
    assert cf_points(x, d, t, w + 1) <= cf_points(x, d, t, w)


@given(rules=st.sampled_from(list(RuleSet)), rej=rejections, extra=st.tuples(verdicts, st.integers(2, 30)))
def test_inserting_a_wrong_attempt_never_improves_the_row(
    rules: RuleSet, rej: list[tuple[str, int | None]], extra: tuple[str, int]
) -> None:
    base = [_a(v, f, i) for i, (v, f) in enumerate(rej)] + [_a("OK", None, 30)]
    more = [_a(extra[0] if extra[0] != "COMPILATION_ERROR" else "WRONG_ANSWER", extra[1], 0), *base]
    s1 = score_problem(base, rules=rules, duration=120, points=1000)
    s2 = score_problem(more, rules=rules, duration=120, points=1000)
    assert rank_of(rules, total([s2]), [total([s1])]) >= rank_of(rules, total([s1]), [total([s2])])
    assert s2.points <= s1.points
    assert (s2.points, -s2.penalty) <= (s1.points, -s1.penalty)


problem_outcome = st.tuples(st.booleans(), st.floats(0, 119), st.integers(0, 5))


@given(
    rules=st.sampled_from(list(RuleSet)),
    probs=st.lists(st.tuples(points_st, problem_outcome), min_size=1, max_size=6),
    others=st.lists(st.tuples(st.floats(0, 8000), st.integers(0, 2000)), max_size=30),
)
def test_solving_one_more_problem_never_ranks_lower(
    rules: RuleSet,
    probs: list[tuple[int, tuple[bool, float, int]]],
    others: list[tuple[float, int]],
) -> None:
    unsolved = [i for i, (_, (solved, _, _)) in enumerate(probs) if not solved]
    if not unsolved:
        probs = [*probs, (1000, (False, 10.0, 0))]
        unsolved = [len(probs) - 1]

    def row(solve_extra: bool) -> Row:
        scores = []
        for i, (x, (solved, minute, wrong)) in enumerate(probs):
            history = [_a("WRONG_ANSWER", 2, minute)] * wrong
            if solved or (solve_extra and i == unsolved[0]):
                history = [*history, _a("OK", None, minute)]
            scores.append(score_problem(history, rules=rules, duration=120, points=x))
        return total(scores)

    humans = [
        Row(
            points=p if rules is RuleSet.CF else float(int(p) % 7),
            penalty=pen if rules is RuleSet.ICPC else 0,
        )
        for p, pen in others
    ]
    assert rank_of(rules, row(True), humans) <= rank_of(rules, row(False), humans)
