"""`cpelo rate`: the exact Codeforces rating update of one contest's standings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from contests.standings import Standings
from elo.errors import StandingsError
from elo.standings import RatingRow, contestants_from_json, rate_standings


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StandingsError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StandingsError(f"{path}: cannot be read: {exc}") from None


def _is_contest_standings(data: Any) -> bool:
    """A contest's own standings.json (rows with handles), not a contest.standings API payload."""
    if not isinstance(data, dict) or "result" in data or not isinstance(data.get("rows"), list):
        return False
    return all(isinstance(row, dict) and "handle" in row for row in data["rows"])


def _contest_standings_rows(data: Any, source: str) -> list[dict[str, Any]]:
    """The rated rows of a contest's standings.json in the simple format; unrated rows take no part."""
    try:
        standings = Standings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise StandingsError(f"{source}: {loc}: {err['msg']} (got {err.get('input')!r})") from None
    return [
        {"handle": r.handle, "points": r.points, "penalty": r.penalty, "old_rating": r.old_rating}
        for r in standings.rated()
    ]


def _print_table(rows: list[RatingRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Codeforces rating update, {len(rows)} contestants")
    for name in ("rank", "handle", "old", "delta", "new", "performance"):
        table.add_column(name, justify="left" if name == "handle" else "right")
    for r in rows:
        perf = "unbounded" if r.performance is None else str(r.performance)
        table.add_row(str(r.rank), r.handle, str(r.old_rating), f"{r.delta:+d}", str(r.new_rating), perf)
    Console().print(table)


@click.command("rate")
@click.argument("standings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rating-changes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The contest.ratingChanges payload, when STANDINGS is a bare contest.standings payload.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option(
    "--new-accounts",
    is_flag=True,
    help="Apply the May-2020 rules: a first contest (old_rating null or 0) is rated from 1400 and "
    "shown as 0 plus boosts; without it a missing old_rating means 1500.",
)
def rate(standings: Path, rating_changes: Path | None, as_json: bool, new_accounts: bool) -> None:
    """Rate one contest exactly as Codeforces does.

    STANDINGS is a JSON file holding a contest's standings.json (its rated rows are rated), an array of
    {"handle": str, "points": number, "penalty": int, "old_rating": int|null,
    "contests_played": int (optional)} in any order, or the Codeforces API payloads as one object
    {"standings": <contest.standings>, "ratingChanges": <contest.ratingChanges>}, or a bare
    contest.standings payload with --rating-changes FILE. API payloads may be whole answers
    ({"status": "OK", "result": ...}) or their results.

    Output, in standings order: handle, rank, old_rating, delta (the update's own), new_rating
    (shown; with --new-accounts it includes the display boost) and performance (null for rank 1).
    With --new-accounts, shown ratings of accounts in their first six contests are mapped back to
    internal ones only when contests_played is given.
    """
    data = _read_json(standings)
    changes = _read_json(rating_changes) if rating_changes is not None else None
    if changes is None and _is_contest_standings(data):
        data = _contest_standings_rows(data, str(standings))
    rows = rate_standings(
        contestants_from_json(data, changes, source=str(standings)), new_accounts=new_accounts
    )
    if as_json:
        click.echo(json.dumps([r.model_dump() for r in rows]))
    else:
        _print_table(rows)
