"""Submission-time models."""

from __future__ import annotations

import pytest

from contests.app.simulation.timing import HumanSolve, TimingModel, human_median_minute, minutes

SOLVES = [HumanSolve(0, 10), HumanSolve(0, 20), HumanSolve(0, 40), HumanSolve(1, 30), HumanSolve(2, 50)]


def test_zero() -> None:
    assert minutes(
        TimingModel.ZERO, duration=120, submitted=[0, 2], budget=3, decisive=1, wrong_before=1
    ) == [0, 0]


def test_alphacode_three_batches() -> None:
    got = minutes(
        TimingModel.ALPHACODE,
        duration=120,
        submitted=list(range(10)),
        budget=10,
        decisive=None,
        wrong_before=0,
    )
    assert got == [12.0] * 4 + [60.0] * 3 + [108.0] * 3


def test_latency_is_cumulative_generation_time_including_filtered_samples() -> None:
    got = minutes(
        TimingModel.LATENCY,
        duration=120,
        submitted=[1, 3],
        budget=4,
        decisive=None,
        wrong_before=0,
        latencies=[60, 120, 600, 30],
    )
    assert got == [3.0, 13.5]


def test_latency_needs_every_latency() -> None:
    with pytest.raises(ValueError):
        minutes(
            TimingModel.LATENCY,
            duration=120,
            submitted=[3],
            budget=4,
            decisive=0,
            wrong_before=0,
            latencies=[1.0],
        )


def test_human_median_same_wrong_attempts() -> None:
    assert human_median_minute(SOLVES, 0, 120) == (20.0, "same-wrong-attempts")
    assert human_median_minute(SOLVES, 1, 120) == (30.0, "same-wrong-attempts")


def test_human_median_fallbacks() -> None:
    assert human_median_minute(SOLVES, 3, 120) == (30.0, "all-solvers")
    assert human_median_minute([], 0, 120) == (120.0, "contest-end")


def test_human_median_spreads_wrong_attempts_before_acceptance() -> None:
    got = minutes(
        TimingModel.HUMAN_MEDIAN,
        duration=120,
        submitted=[0, 1, 2],
        budget=3,
        decisive=1,
        wrong_before=1,
        solves=SOLVES,
    )
    assert got == [15.0, 30.0, 120.0]


def test_human_median_unsolved_at_the_end() -> None:
    got = minutes(
        TimingModel.HUMAN_MEDIAN,
        duration=90,
        submitted=[0, 1],
        budget=2,
        decisive=None,
        wrong_before=2,
        solves=SOLVES,
    )
    assert got == [90.0, 90.0]
