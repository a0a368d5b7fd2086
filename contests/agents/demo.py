"""`demo:RATING`: a deterministic offline agent built from a contest's own labelled jury solutions.

For each problem of difficulty rating d, each sample is accepted with the Elo probability
1/(1+10^((d-R)/400)) that a contestant of rating R solves it: then the agent submits one of the problem's
solutions labelled `accepted`, otherwise one labelled wrong, too slow, crashing, ... (any other label).
Every draw is seeded by (rating, contest, problem, sample), so a rerun produces the same submissions.
Its latency is synthetic (1 to 10 minutes per sample, from the same seed) so that the `latency` timing
model can be exercised offline. The judge still decides every verdict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contests.agents.base import AgentError, Progress, Request, Submission
from contests.problem import ExpectedVerdict, Problem, Solution
from judge.errors import JudgeError
from judge.languages.detect import language_for_file
from judge.languages.registry import get_language


def solve_probability(rating: float, difficulty: float) -> float:
    return 1.0 / (1.0 + 10.0 ** ((difficulty - rating) / 400.0))


def _uniforms(*key: object) -> tuple[float, float, float]:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return tuple(int.from_bytes(digest[i : i + 8], "big") / 2**64 for i in (0, 8, 16))  # type: ignore[return-value]


def _language(solution: Solution) -> str:
    try:
        if solution.language:
            return get_language(solution.language).id
        return language_for_file(Path(solution.name)).id
    except JudgeError as exc:
        raise AgentError(f"demo agent: solution {solution.name}: {exc}") from None


class DemoAgent:
    def __init__(self, rating: float) -> None:
        self.spec = f"demo:{rating:g}"
        self.rating = rating

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "demo", "rating": self.rating,
            "meaning": "each sample solves a problem of difficulty d with probability 1/(1+10^((d-R)/400))",
        }  # fmt: skip

    def _pools(self, problem: Problem, contest: str) -> tuple[list[Solution], list[Solution]]:
        good = sorted(
            (s for s in problem.solutions if s.expected is ExpectedVerdict.ACCEPTED), key=lambda s: s.name
        )
        bad = sorted(
            (
                s
                for s in problem.solutions
                if s.expected not in (ExpectedVerdict.ACCEPTED, ExpectedVerdict.SLOW_ACCEPTED)
            ),
            key=lambda s: s.name,
        )
        if not good or not bad:
            raise AgentError(
                f"demo agent: problem {contest}/{problem.index} needs solutions labelled accepted and "
                f"at least one labelled otherwise (found {len(good)} accepted, {len(bad)} other)"
            )
        if problem.rating is None:
            raise AgentError(f"demo agent: problem {contest}/{problem.index} has no difficulty rating")
        return good, bad

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]:
        out = []
        for r in requests:
            good, bad = self._pools(r.problem, r.contest.id)
            assert r.problem.rating is not None
            u, v, w = _uniforms(self.rating, r.contest.id, r.problem.index, r.sample)
            accepted = u < solve_probability(self.rating, r.problem.rating)
            pool = good if accepted else bad
            chosen = pool[int(v * len(pool))]
            out.append(
                Submission(
                    contest=r.contest.id,
                    problem=r.problem.index or "",
                    sample=r.sample,
                    language=_language(chosen),
                    source=chosen.read_text(),
                    latency_s=60.0 * (1.0 + 9.0 * w),
                )
            )
            if progress:
                progress(1)
        return out
