"""Synthetic human standings for the bundled contests (they were never held, so nobody really took part).

A field of rated humans is drawn from a real population: the counts of all rated Codeforces accounts per
50-point bucket (`human-ratings/all-rated-users-hist50.csv` in the shared data, read at generation time and
never copied here). Each human then works through the problems in contest order, and every outcome comes
from the Elo model: problem of difficulty d is solvable for rating R with probability
1 / (1 + 10^((d - R) / 400)). Thinking time grows with the difficulty and shrinks with the rating,
wrong attempts are likelier on problems near one's limit, and nothing counts after the contest ends.
Results are scored under the contest's rules (cf: max(0.3x, x - x*t*(120/d)/250 - 50w); icpc: solved,
then sum of minute + 10*w) and ranked; ties share the best place of their block.

    .venv/bin/python contests/bundled/generate_standings.py [--contest DIR]

Deterministic: one fixed seed per contest (below); the same population file gives the same standings.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BUNDLED = Path(__file__).resolve().parent
REPO = BUNDLED.parents[1]
POPULATION_FILE = Path("human-ratings") / "all-rated-users-hist50.csv"
POPULATION = "all rated Codeforces accounts, early 2025 (CodeElo list, 717,421 accounts; 50-point histogram)"
# contest id -> (seed, humans drawn); humans who submit nothing do not appear, as on Codeforces.
FIELDS = {"cpelo-round-1": (1, 4000), "cpelo-icpc-1": (2, 3000)}
BUCKET = 50
ICPC_PENALTY_PER_REJECTION = 10
CF_PENALTY_PER_REJECTION = 50


@dataclass(frozen=True)
class Task:
    index: str
    rating: int
    points: int | None


@dataclass
class Outcome:
    solved: bool = False
    rejected: int = 0
    minute: int | None = None


@dataclass
class Human:
    handle: str
    rating: int
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def shared_data() -> Path:
    configured = os.environ.get("CPELO_SHARED_DATA")
    return Path(configured) if configured else REPO / ".." / "shared" / "data"


def read_population(path: Path) -> tuple[list[int], list[int]]:
    """Bucket starts and cumulative counts from the histogram CSV (comment lines start with '#')."""
    starts: list[int] = []
    cumulative: list[int] = []
    with path.open() as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        total = 0
        for row in rows:
            total += int(row["count"])
            starts.append(int(row["bucket_start"]))
            cumulative.append(total)
    if not starts:
        raise ValueError(f"{path}: no buckets")
    return starts, cumulative


def draw_rating(rng: random.Random, starts: list[int], cumulative: list[int]) -> int:
    bucket = bisect.bisect_right(cumulative, rng.randrange(cumulative[-1]))
    return starts[bucket] + rng.randrange(BUCKET)


def solve_probability(difficulty: int, rating: int) -> float:
    return 1.0 / (1.0 + 10.0 ** ((difficulty - rating) / 400.0))


def compete(rng: random.Random, rating: int, tasks: list[Task], duration: int) -> dict[str, Outcome]:
    """One human's contest: problems in order, each solvable with the Elo probability."""
    clock = 0.0
    outcomes: dict[str, Outcome] = {}
    for task in tasks:
        p = solve_probability(task.rating, rating)
        # Minutes to a first submission: about 5 for an easy problem at one's level, 2x per 400 points.
        slowness = 2.0 ** ((task.rating - rating) / 400.0)
        think = rng.lognormvariate(0.0, 0.5) * (5.0 + 10.0 * max(0, task.rating - 800) / 400.0) * slowness
        think = min(max(think, 1.0), float(duration))
        outcome = Outcome()
        if rng.random() < p:
            t = clock + think
            while t <= duration and rng.random() < 0.15 + 0.35 * (1.0 - p) and outcome.rejected < 8:
                outcome.rejected += 1
                t += rng.uniform(1.0, 6.0) * (1.0 + slowness) / 2.0
            if t <= duration:
                outcome.solved, outcome.minute = True, int(t)
            clock = t
        elif rng.random() < min(0.9, 2.5 * p):
            # Tried and failed: some wrong submissions, then moved on.
            t = clock + think * rng.uniform(0.5, 1.0)
            tries = 1
            while rng.random() < 0.4:
                tries += 1
            for _ in range(tries):
                if t > duration:
                    break
                outcome.rejected += 1
                t += rng.uniform(2.0, 8.0)
            clock = t
        else:
            clock += rng.uniform(1.0, 5.0)
        if outcome.solved or outcome.rejected:
            outcomes[task.index] = outcome
    return outcomes


def cf_points(x: int, minute: int, rejected: int, duration: int) -> float:
    return max(0.3 * x, x - x * minute * (120 / duration) / 250 - CF_PENALTY_PER_REJECTION * rejected)


def standings_rows(humans: list[Human], tasks: list[Task], rules: str, duration: int) -> list[dict[str, Any]]:
    """Scores every human under the rules, sorts, and assigns Codeforces-style shared ranks."""
    scored: list[dict[str, Any]] = []
    for human in humans:
        problems: dict[str, dict[str, Any]] = {}
        total, penalty = 0.0, 0
        for task in tasks:
            outcome = human.outcomes.get(task.index)
            if outcome is None:
                continue
            earned = 0.0
            if outcome.solved and outcome.minute is not None:
                if rules == "cf":
                    assert task.points is not None
                    earned = round(cf_points(task.points, outcome.minute, outcome.rejected, duration), 2)
                else:
                    earned = 1.0
                    penalty += outcome.minute + ICPC_PENALTY_PER_REJECTION * outcome.rejected
            total += earned
            problems[task.index] = {"points": earned, "rejected": outcome.rejected, "minute": outcome.minute}
        scored.append(
            {
                "handle": human.handle,
                "rank": 0,
                "old_rating": human.rating,
                "points": round(total, 2),
                "penalty": penalty,
                "problems": problems,
            }
        )
    scored.sort(key=lambda row: (-row["points"], row["penalty"], row["handle"]))
    best_place: dict[tuple[float, int], int] = {}
    for place, row in enumerate(scored, start=1):
        row["rank"] = best_place.setdefault((row["points"], row["penalty"]), place)
    return scored


def generate(contest_dir: Path, population: Path) -> dict[str, Any]:
    meta = yaml.safe_load((contest_dir / "contest.yaml").read_text())
    seed, field_size = FIELDS[meta["id"]]
    tasks = []
    for index in meta["problems"]:
        problem = yaml.safe_load((contest_dir / "problems" / index / "problem.yaml").read_text())
        tasks.append(Task(index, int(problem["rating"]), problem.get("points")))
    starts, cumulative = read_population(population)
    rng = random.Random(seed)
    duration = int(meta["duration_minutes"])
    width = len(str(field_size))
    humans = []
    for number in range(1, field_size + 1):
        rating = draw_rating(rng, starts, cumulative)
        outcomes = compete(rng, rating, tasks, duration)
        if outcomes:
            humans.append(Human(f"h{number:0{width}d}", rating, outcomes))
    rows = standings_rows(humans, tasks, meta["rules"], duration)
    note = (
        f"Synthetic field: {field_size} humans with ratings drawn from {POPULATION}; results from the Elo "
        f"model against the problems' difficulty ratings; {len(rows)} made a submission and are listed; "
        f"seed {seed}. Nobody really took part in this contest."
    )
    return {
        "synthetic": True,
        "note": note,
        "generator": "contests/bundled/generate_standings.py",
        "rows": rows,
    }


def write_standings(standings: dict[str, Any], path: Path) -> None:
    """One row per line: diffable, and small enough to ship."""
    head = {key: value for key, value in standings.items() if key != "rows"}
    lines = [json.dumps(row, separators=(",", ":")) for row in standings["rows"]]
    text = json.dumps(head, indent=1)[:-2] + ',\n "rows": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    assert json.loads(text) == standings
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write standings.json for the bundled contests.")
    parser.add_argument("--contest", type=Path, action="append", help="contest directory (default: all)")
    parser.add_argument("--population", type=Path, help="histogram CSV (default: the shared data's)")
    args = parser.parse_args()
    population = args.population or shared_data() / POPULATION_FILE
    if not population.exists():
        raise SystemExit(f"{population}: population histogram not found (set CPELO_SHARED_DATA)")
    contests = args.contest or [BUNDLED / name for name in FIELDS]
    for contest_dir in contests:
        standings = generate(contest_dir, population)
        write_standings(standings, contest_dir / "standings.json")
        solved = [
            sum(1 for p in row["problems"].values() if p["minute"] is not None) for row in standings["rows"]
        ]
        print(
            f"{contest_dir.name}: {len(standings['rows'])} rows, mean solved {sum(solved) / len(solved):.2f},"
            f" top score {standings['rows'][0]['points']}"
        )


if __name__ == "__main__":
    main()
