"""Whether a judged submission meets the expectations of a Kattis ``submissions.yaml``.

Each rule covers some tests (a glob over their names under data/, or all): on those, every verdict
must be ``permitted`` and at least one ``required``; a ``message`` must appear in some test's checker
message. Verdicts are read as the format's four outcomes: AC, WA (presentation errors too), TLE
(idleness too: the format has no separate verdict) and RTE (memory and output limits too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contests.formats.kattis_submissions import glob_matches
from contests.problem import Expectation, Problem

_OUTCOME = {
    "OK": "AC",
    "WRONG_ANSWER": "WA",
    "PRESENTATION_ERROR": "WA",
    "TIME_LIMIT_EXCEEDED": "TLE",
    "IDLENESS_LIMIT_EXCEEDED": "TLE",
    "RUNTIME_ERROR": "RTE",
    "MEMORY_LIMIT_EXCEEDED": "RTE",
    "OUTPUT_LIMIT_EXCEEDED": "RTE",
}


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    name: str  # under data/: "sample/1", "secret/group/3"
    verdict: str  # judge.verdict.Verdict value
    message: str


def data_names(problem: Problem) -> list[str]:
    """The names submissions.yaml globs see, in judging order: ``sample/1``, ``secret/group/3``."""
    rest = [
        f"{'secret' if problem.origin_format == 'kattis' else group}/{t.name}"
        for group, tests in problem.tests.groups()[1:]
        for t in tests
    ]
    return [f"sample/{t.name}" for t in problem.tests.sample] + rest


def outcome(verdict: str) -> str | None:
    """AC, WA, TLE or RTE; None for a verdict the format has no word for (judge or compile errors)."""
    return _OUTCOME.get(verdict)


def unmet(expectations: Sequence[Expectation], tests: Sequence[TestOutcome]) -> str | None:
    """The first rule the results break, described; None when all hold."""
    for rule in expectations:
        covered = [t for t in tests if rule.tests is None or glob_matches(rule.tests, t.name)]
        where = f" on {rule.tests}" if rule.tests else ""
        if rule.permitted is not None:
            bad = [t for t in covered if outcome(t.verdict) not in rule.permitted]
            if bad:
                return f"{bad[0].name}: {bad[0].verdict}, permitted{where}: {', '.join(rule.permitted)}"
        required = rule.required
        if required is not None and covered and not any(outcome(t.verdict) in required for t in covered):
            got = sorted({str(outcome(t.verdict) or t.verdict) for t in covered})
            return f"none of {', '.join(required)}{where} (got {', '.join(got)})"
        if rule.message is not None and not any(rule.message in t.message for t in covered):
            return f"no judge message{where} contains {rule.message!r}"
    return None
