"""Judge every jury submission of the real problems in ../shared/data and print agreement per label.

Data: ../shared/data/icpc-problems and kattis-examples (or $CPELO_SHARED_DATA). Kattis packages without
a .timelimit get one the way problemtools derives it: the slowest accepted submission's CPU time
times the package's time multiplier, rounded half up, at least 1 s.

    .venv/bin/python bench/judge_fidelity.py [--jobs N] [--verbose]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contests.formats.kattis import (  # noqa: E402
    DEFAULT_SAFETY_MARGIN,
    DEFAULT_TIME_MULTIPLIER,
    problemtools_time_limit,
)
from contests.problem import ExpectedVerdict, Problem  # noqa: E402
from contests.problem_loader import effective_time_limit, load_problem, to_judge_task  # noqa: E402
from judge.batch import Submission, judge_many  # noqa: E402
from judge.errors import UnknownLanguage  # noqa: E402
from judge.languages import language_for_file  # noqa: E402
from judge.task import JudgeTask  # noqa: E402
from judge.verdict import JudgeResult, Verdict  # noqa: E402

# What agreeing with a label means. Kattis reports memory exhaustion as a run-time error.
AGREES = {
    ExpectedVerdict.ACCEPTED: {Verdict.OK},
    ExpectedVerdict.WRONG_ANSWER: {Verdict.WRONG_ANSWER},
    ExpectedVerdict.RUN_TIME_ERROR: {Verdict.RUNTIME_ERROR, Verdict.MEMORY_LIMIT_EXCEEDED},
    ExpectedVerdict.TIME_LIMIT_EXCEEDED: {Verdict.TIME_LIMIT_EXCEEDED},
    ExpectedVerdict.SLOW_ACCEPTED: {Verdict.OK, Verdict.TIME_LIMIT_EXCEEDED},
}
DERIVING_TIME_LIMIT = 10.0  # CPU seconds allowed to accepted submissions while deriving a time limit


def shared_data() -> Path:
    env = os.environ.get("CPELO_SHARED_DATA")
    return Path(env) if env else ROOT / ".." / "shared" / "data"


def problem_dirs(data: Path) -> list[Path]:
    dirs = []
    for collection in ("icpc-problems", "kattis-examples"):
        base = data / collection
        if base.is_dir():
            dirs += sorted(p for p in base.iterdir() if (p / "problem.yaml").is_file())
    return dirs


@dataclass(frozen=True)
class Case:
    problem: str
    label: ExpectedVerdict
    path: Path
    time_limit: float
    result: JudgeResult

    @property
    def agrees(self) -> bool:
        return self.result.verdict in AGREES[self.label]


def is_python2(path: Path) -> bool:
    """Kattis runs some .py files as Python 2; there is no Python 2 toolchain here."""
    if path.suffix != ".py":
        return False
    first = path.read_text(errors="replace").split("\n", 1)[0]
    return "py2" in path.stem or "python2" in first


def judged_solutions(problem: Problem) -> tuple[list[tuple[ExpectedVerdict, Path]], list[Path]]:
    """(label, path) of solutions in a language the judge has; and the paths it skips."""
    taken, skipped = [], []
    for sol in problem.solutions:
        if sol.path is None or sol.expected not in AGREES:
            continue
        try:
            language_for_file(sol.path)
        except UnknownLanguage:
            skipped.append(sol.path)
            continue
        if is_python2(sol.path):
            skipped.append(sol.path)
            continue
        taken.append((sol.expected, sol.path))
    return taken, skipped


def time_limit_for(
    problem: Problem, solutions: list[tuple[ExpectedVerdict, Path]], jobs: int
) -> tuple[float, dict[Path, JudgeResult]]:
    """The problem's time limit, and the results of the accepted submissions judged to derive it."""
    fixed = effective_time_limit(problem)
    if fixed is not None:
        return fixed, {}
    probe = to_judge_task(problem, time_limit=DERIVING_TIME_LIMIT)
    accepted = [p for label, p in solutions if label is ExpectedVerdict.ACCEPTED]
    results = judge_many([Submission(task=probe, source=p) for p in accepted], jobs=jobs)
    slowest = max(r.time_s for r in results)
    derived = problemtools_time_limit(
        slowest,
        problem.time_multiplier or DEFAULT_TIME_MULTIPLIER,
        problem.safety_margin or DEFAULT_SAFETY_MARGIN,
        measured_with="cpelo",
    )
    return float(derived.time_limit), dict(zip(accepted, results, strict=True))


def judge_problem(path: Path, jobs: int) -> tuple[list[Case], list[Path]]:
    problem = load_problem(path)
    solutions, skipped = judged_solutions(problem)
    limit, probed = time_limit_for(problem, solutions, jobs)
    task: JudgeTask = to_judge_task(problem, time_limit=limit)
    # An accepted run under the generous probe limit that stayed within the derived limit is exactly
    # what judging it again would give (every test passed, none slower than the limit): reuse it.
    reuse = {p: r for p, r in probed.items() if r.verdict is Verdict.OK and r.time_s <= limit}
    todo = [(label, p) for label, p in solutions if p not in reuse]
    results = judge_many([Submission(task=task, source=p) for _, p in todo], jobs=jobs)
    fresh = dict(zip([p for _, p in todo], results, strict=True))
    cases = [Case(problem.id, label, p, limit, reuse.get(p) or fresh[p]) for label, p in solutions]
    return cases, skipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    data = shared_data()
    dirs = problem_dirs(data)
    if not dirs:
        print(f"no real data at {data}: nothing to measure (set CPELO_SHARED_DATA)")
        return 0
    started = time.monotonic()
    cases: list[Case] = []
    skipped: list[Path] = []
    for d in dirs:
        got, skip = judge_problem(d, args.jobs)
        cases += got
        skipped += skip
        limit = got[0].time_limit if got else "-"
        print(f"{d.name}: time limit {limit} s, {len(got)} judged, {len(skip)} skipped", flush=True)
    table: dict[ExpectedVerdict, list[Case]] = defaultdict(list)
    for c in cases:
        table[c.label].append(c)
    print(f"\n{'label':<22} {'judged':>6} {'agree':>6} {'%':>7}  verdicts")
    for label, group in sorted(table.items()):
        agree = sum(c.agrees for c in group)
        counts: dict[str, int] = defaultdict(int)
        for c in group:
            counts[c.result.verdict.short] += 1
        spread = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{label.value:<22} {len(group):>6} {agree:>6} {100 * agree / len(group):>6.1f}%  {spread}")
    tle = table.get(ExpectedVerdict.TIME_LIMIT_EXCEEDED, [])
    rejected = sum(c.result.verdict is not Verdict.OK for c in tle)
    print(f"\ntime_limit_exceeded rejected: {rejected}/{len(tle)}")
    kinds = ", ".join(sorted({"py2" if is_python2(p) else p.suffix for p in skipped}))
    print(f"skipped (no toolchain for the language): {len(skipped)} ({kinds})")
    for c in cases:
        if not c.agrees or args.verbose:
            mark = "ok " if c.agrees else "BAD"
            print(
                f"  {mark} {c.problem}/{c.label.value}/{c.path.name}: {c.result.summary()} "
                f"max {c.result.time_s:.3f} s (limit {c.time_limit} s)"
                + (f" -- {c.result.tests[-1].checker_message[:120]}" if c.result.tests else "")
            )
    print(f"\n{len(cases)} submissions in {time.monotonic() - started:.1f} s (jobs={args.jobs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
