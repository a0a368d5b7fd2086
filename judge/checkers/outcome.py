"""What a check says about one output."""

from __future__ import annotations

from dataclasses import dataclass

from judge.verdict import Verdict


@dataclass(frozen=True)
class CheckOutcome:
    verdict: Verdict  # OK, WRONG_ANSWER, PRESENTATION_ERROR or JUDGE_ERROR
    message: str
