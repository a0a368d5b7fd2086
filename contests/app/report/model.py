"""The report's view of one or more results files: headlines, leaderboard with statistical ties, tables.

The results files (`contests.app.simulation.results.Results`, one per model) are the only input.
Everything shown is read from them or derived from them here, so HTML, Markdown and `--json` say the
same thing.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from contests.app.report.errors import ResultsFileError
from contests.app.simulation.results import (
    SCHEMA_VERSION,
    AttemptOut,
    ContestOut,
    ProblemOut,
    Results,
    verdict_short,
)

ATTEMPTS_LEGEND = (
    "Attempts: verdict, first failed test, @ contest minute (AC accepted, WA wrong answer, TLE time limit, "
    "RE runtime error, CE compilation error; sys: failed the system tests; ignored: after acceptance or "
    "after the end)."
)


def load_results(path: Path) -> Results:
    """Read and validate one results file; every failure names the file and what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsFileError(path, "no such file") from None
    except IsADirectoryError:
        raise ResultsFileError(path, "is a directory, not a results file") from None
    except UnicodeDecodeError:
        raise ResultsFileError(
            path, "not UTF-8 text (expected the JSON `cpelo simulate --out` writes)"
        ) from None
    except OSError as exc:
        raise ResultsFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(path, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultsFileError(
            path, "not a cpelo results file (expected the JSON object `cpelo simulate --out` writes)"
        )
    if data["schema_version"] != SCHEMA_VERSION:
        raise ResultsFileError(
            path, f"schema_version {data['schema_version']!r}: this cpelo reads version {SCHEMA_VERSION}"
        )
    try:
        results = Results.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ResultsFileError(path, f"invalid results: field {where}: {first['msg']}{more}") from None
    if not results.contests:
        raise ResultsFileError(path, "has no contests to report (were they all outside the contest window?)")
    return results


class Headline(BaseModel):
    """The one-line answer for one model, with the choices it depends on."""

    label: str
    source: str
    agent: str
    rating: float | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    estimator: str
    estimator_note: str
    rated_by: str
    timing: str
    percentile: float | None
    percentile_low: float | None
    percentile_high: float | None
    population: str
    population_title: str | None
    population_date: str | None
    contests: int
    problems: int
    solved: int
    samples_per_problem: int
    attempts_limit: int
    attempt_policy: str


class LeaderboardRow(BaseModel):
    place: int
    label: str
    rating: float | None
    ci_low: float | None
    ci_high: float | None
    ties_with: list[int]  # places of the models whose intervals overlap this one's
    below_field: bool = False  # solved nothing: `rating` is only the estimator's last-place floor


class Difference(BaseModel):
    """A choice that differs between the models: their ratings are not strictly comparable."""

    aspect: str
    values: dict[str, str]  # label -> value


class ReportView(BaseModel):
    """What `cpelo report --json` prints."""

    headlines: list[Headline]
    leaderboard: list[LeaderboardRow]
    differences: list[Difference]


@dataclass(frozen=True)
class Entry:
    """One model's results and where they came from."""

    label: str
    source: str
    results: Results

    @property
    def problems(self) -> int:
        return sum(len(c.problems) for c in self.results.contests)

    @property
    def solved(self) -> int:
        return sum(c.solved for c in self.results.contests)


@dataclass(frozen=True)
class Report:
    entries: list[Entry]
    view: ReportView

    @property
    def several(self) -> bool:
        return len(self.entries) > 1


def build_report(paths: Sequence[Path]) -> Report:
    """Load the results files and build the report's view of them."""
    return report_from([(str(p), load_results(p)) for p in paths])


def report_from(sources: Sequence[tuple[str, Results]]) -> Report:
    """The report over already loaded results, each with the name of the file it came from."""
    if not sources:
        raise ResultsFileError("(none)", "no results files given")
    entries = [
        Entry(label, source, results)
        for label, (source, results) in zip(_labels(sources), sources, strict=True)
    ]
    view = ReportView(
        headlines=[headline(e) for e in entries],
        leaderboard=leaderboard(entries),
        differences=differences(entries),
    )
    return Report(entries=entries, view=view)


def _labels(sources: Sequence[tuple[str, Results]]) -> list[str]:
    """The agent names, made unique with the file name where two results share an agent."""
    counts = Counter(r.agent for _, r in sources)
    labels = [r.agent if counts[r.agent] == 1 else f"{r.agent} ({Path(src).name})" for src, r in sources]
    seen: Counter[str] = Counter()
    unique = []
    for label in labels:
        seen[label] += 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return unique


def headline(entry: Entry) -> Headline:
    r = entry.results
    detail = r.percentile_detail
    return Headline(
        label=entry.label,
        source=entry.source,
        agent=r.agent,
        rating=r.rating,
        ci_low=r.ci[0] if r.ci else None,
        ci_high=r.ci[1] if len(r.ci) > 1 else None,
        ci_level=r.ci_level,
        estimator=r.estimator,
        estimator_note=r.estimator_note,
        rated_by=r.rated_by,
        timing=r.timing,
        percentile=r.percentile,
        percentile_low=detail.low if detail else None,
        percentile_high=detail.high if detail else None,
        population=r.population,
        population_title=detail.title if detail else None,
        population_date=detail.date if detail else None,
        contests=len(r.contests),
        problems=entry.problems,
        solved=entry.solved,
        samples_per_problem=r.samples,
        attempts_limit=r.attempts_limit,
        attempt_policy=r.attempt_policy,
    )


def interval(results: Results) -> tuple[float, float]:
    """The confidence interval with open ends as infinities (an unbounded rating has no upper end)."""
    low = results.ci[0] if results.ci and results.ci[0] is not None else -math.inf
    high = results.ci[1] if len(results.ci) > 1 and results.ci[1] is not None else math.inf
    return low, high


def sort_key(results: Results) -> float:
    """Best first; an unbounded rating (first place everywhere) ranks above every finite one, a model
    below the field (solved nothing) below every one."""
    if results.below_field:
        return math.inf
    return -(math.inf if results.rating is None else results.rating)


def leaderboard(entries: Sequence[Entry]) -> list[LeaderboardRow]:
    """Models by rating, each with the places whose confidence intervals overlap its own."""
    ordered = sorted(entries, key=lambda e: sort_key(e.results))
    spans = [interval(e.results) for e in ordered]
    rows = []
    for i, entry in enumerate(ordered):
        low, high = spans[i]
        ties = [j + 1 for j, (lo, hi) in enumerate(spans) if j != i and lo <= high and low <= hi]
        rows.append(
            LeaderboardRow(
                place=i + 1,
                label=entry.label,
                rating=entry.results.rating,
                ci_low=None if math.isinf(low) else low,
                ci_high=None if math.isinf(high) else high,
                ties_with=ties,
                below_field=entry.results.below_field,
            )
        )
    return rows


def _contest_set(r: Results) -> str:
    return ", ".join(sorted(c.id for c in r.contests))


COMPARED_CHOICES = {
    "estimator": lambda r: r.estimator,
    "timing model": lambda r: r.timing,
    "population": lambda r: r.population,
    "attempt policy": lambda r: r.attempt_policy,
    "samples per problem": lambda r: str(r.samples),
    "attempts per problem": lambda r: str(r.attempts_limit),
    "sample filtering": lambda r: "on" if r.filter_samples else "off",
    "rated by": lambda r: r.rated_by,
    "contests": _contest_set,
}


def differences(entries: Sequence[Entry]) -> list[Difference]:
    """The choices on which the models' results differ (none for a single model)."""
    out = []
    for aspect, get in COMPARED_CHOICES.items():
        values = {e.label: get(e.results) for e in entries}
        if len(set(values.values())) > 1:
            out.append(Difference(aspect=aspect, values=values))
    return out


# -- how numbers are written, shared by HTML and Markdown --------------------------------------------


BELOW_FIELD = "below the field"


def fmt_rating(x: float | None, below_field: bool = False) -> str:
    """A rating as shown; a model that solved nothing is below the field, not its estimator's floor (-18)."""
    if below_field:
        return BELOW_FIELD
    return "unbounded" if x is None else f"{x:.0f}"


def fmt_ci(low: float | None, high: float | None) -> str:
    lo = "−∞" if low is None or math.isinf(low) else f"{low:.0f}"
    hi = "+∞" if high is None or math.isinf(high) else f"{high:.0f}"
    return f"{lo} – {hi}"


def fmt_percent(x: float) -> str:
    return f"{x:.2f}" if x >= 99 else f"{x:.1f}"


def percentile_text(results: Results) -> str:
    """'70.0th percentile of all rated Codeforces accounts (cf-all-rated-2025, 2025-01, n = 717,421)'."""
    d = results.percentile_detail
    if results.below_field:
        return f"n/a ({BELOW_FIELD}) in {results.population}"
    if d is None:
        return f"n/a (rating unbounded) in {results.population}"
    value = fmt_percent(d.value) if d.value is not None else f"{fmt_percent(d.low)}–{fmt_percent(d.high)}"
    return f"{value} percentile of {d.title} ({results.population}, {d.date}, n = {d.n:,})"


def rank_text(c: ContestOut) -> str:
    if c.rank is None or c.participants is None:
        return "—"
    return f"{c.rank:,} / {c.participants:,}"


def performance_text(c: ContestOut) -> str:
    if c.solved == 0:
        return BELOW_FIELD
    if c.performance is None:
        return "unbounded" if c.rank == 1 else "—"
    text = f"{c.performance:.0f}"
    if c.order_spread is not None:
        text += f" (orders: {c.order_spread.p05:.0f}–{c.order_spread.p95:.0f})"
    return text


def score_text(c: ContestOut) -> str:
    """Points under Codeforces rules, penalty minutes under ICPC rules."""
    if c.rules == "icpc":
        return f"penalty {c.penalty}"
    return f"{c.points:g} points"


def problem_result_text(p: ProblemOut, rules: str) -> str:
    if p.solved:
        return f"+{p.wrong}, {p.penalty} min" if rules == "icpc" else f"{p.points:g}"
    return f"−{p.wrong}" if p.wrong else "—"


def attempt_text(a: AttemptOut) -> str:
    """'WA2@37': verdict, first failed test, contest minute; a failure on the system tests marked."""
    text = verdict_short(a.verdict)
    if a.failed_test is not None:
        text += str(a.failed_test)
    text += f"@{a.minute:g}"
    if a.outcome == "failed_system_tests":
        text += " (sys)"
    return text


def split_ignored(attempts: Sequence[AttemptOut]) -> tuple[list[AttemptOut], int]:
    """The attempts the rules saw, and how many were ignored (after acceptance or after the end)."""
    seen = [a for a in attempts if a.outcome != "ignored"]
    return seen, len(attempts) - len(seen)


def attempts_text(attempts: Sequence[AttemptOut]) -> str:
    seen, ignored = split_ignored(attempts)
    if not seen and not ignored:
        return "nothing submitted"
    return " ".join([*(attempt_text(a) for a in seen), *([f"+{ignored} ignored"] if ignored else [])])


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def pass_keys(problems: Sequence[ProblemOut]) -> list[str]:
    """The pass@k columns present, by k."""
    keys = {k for p in problems for k in p.pass_at_k}
    return sorted(keys, key=lambda k: int(k.split("@")[1]) if k.split("@")[-1].isdigit() else 1 << 30)


def contests_in_order(results: Results) -> list[ContestOut]:
    """Contests by start time (undated last), then id."""
    return sorted(
        results.contests,
        key=lambda c: (c.start_time is None, c.start_time.timestamp() if c.start_time else 0.0, c.id),
    )
