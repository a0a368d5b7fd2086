"""Derive the bundled population tables from the raw counts in ../shared/data/human-ratings/.

Run once by hand (`python -m elo.populations.derive [DATA_DIR]`); only the derived cumulative
shares are shipped, never the raw files. Each table: name, date, source, n, and knots
[rating, percent of the population rated below it], with flags for open-ended first/last buckets.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _rows(path: Path) -> list[list[str]]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return list(csv.reader(lines))[1:]


def all_rated(path: Path) -> dict[str, Any]:
    rows = [(int(a), int(b)) for a, b in _rows(path)]
    n = sum(c for _, c in rows)
    knots, below = [], 0
    for start, count in rows:
        knots.append([start, round(100 * below / n, 6)])
        below += count
    return {
        "name": "cf-all-rated-2025",
        "title": "all rated Codeforces accounts",
        "date": "2025-01",
        "source": (
            "CodeElo benchmark (QwenLM/CodeElo, sorted_ratings.json), displayed ratings in 50-point buckets"
        ),
        "n": n,
        "open_below": False,
        # The top bucket's end is not published: ratings above 3200 are bounded, not interpolated.
        "open_above": True,
        "knots": knots,
    }


def active_by_colour(path: Path) -> dict[str, Any]:
    rows = [(name, float(lo), float(hi), int(c)) for name, lo, hi, c in _rows(path)]
    n = sum(r[3] for r in rows)
    knots, below = [], 0
    for _, lo, _, count in rows:
        if lo != float("-inf"):
            knots.append([int(lo), round(100 * below / n, 6)])
        below += count
    return {
        "name": "cf-active-by-colour-2022-03-11",
        "title": "active Codeforces users by rating colour",
        "date": "2022-03-11",
        "source": (
            "jarekczek/codeforces statistics (colors_2010_2022.txt); "
            "active = a rated contest in the last 6 months"
        ),
        "n": n,
        "open_below": True,
        "open_above": True,
        "knots": knots,
    }


def active_2024() -> dict[str, Any]:
    # The published summary (median 1143, mean 1205, sd 378) and its quoted percentile points.
    return {
        "name": "cf-active-6-contests-2024",
        "title": "Codeforces users active in the last 6 months with at least 6 rated contests",
        "date": "2024",
        "source": (
            "published 2024 summary: median 1143, mean 1205, sd 378; "
            "1900 = 94th, 2400 = 99.2nd, 3000 = 99.93rd"
        ),
        "n": 89352,
        "open_below": True,
        "open_above": True,
        "knots": [[1143, 50.0], [1900, 94.0], [2400, 99.2], [3000, 99.93]],
        "summary": {"median": 1143, "mean": 1205, "sd": 378},
    }


def main(data_dir: Path) -> None:
    tables = [
        all_rated(data_dir / "all-rated-users-hist50.csv"),
        active_by_colour(data_dir / "active-users-by-color-2022-03-11.csv"),
        active_2024(),
    ]
    for table in tables:
        (HERE / f"{table['name']}.json").write_text(json.dumps(table, indent=1) + "\n")
        print(f"wrote {table['name']}.json (n = {table['n']}, {len(table['knots'])} knots)")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "human-ratings"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
