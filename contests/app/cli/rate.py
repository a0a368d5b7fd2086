"""`cpelo rate`: the exact Codeforces rating update of one contest's standings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from elo.errors import StandingsError
from elo.standings import contestants_from_json, rating_columns


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
    from pydantic import ValidationError

    from contests.standings import Standings

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


def _print_table(rows: list[dict[str, Any]]) -> None:
    """A plain fixed-width table, written at once: a rich table of a 30,000-row contest took 30 s."""
    width = max(6, *(len(r["handle"]) for r in rows))
    lines = [
        f"Codeforces rating update, {len(rows)} contestants",
        f"{'rank':>6}  {'handle':<{width}}  {'old':>5}  {'delta':>6}  {'new':>5}  {'performance':>11}",
    ]
    for r in rows:
        perf = "unbounded" if r["performance"] is None else str(r["performance"])
        old_new = f"{r['old_rating']:>5}  {r['delta']:>+6d}  {r['new_rating']:>5}"
        lines.append(f"{r['rank']:>6}  {r['handle']:<{width}}  {old_new}  {perf:>11}")
    sys.stdout.write("\n".join(lines) + "\n")


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
    # RatingRow's fields as plain dicts: 30,000 models would cost more than the rating itself.
    rows = rating_columns(
        contestants_from_json(data, changes, source=str(standings)), new_accounts=new_accounts
    )
    if as_json:
        sys.stdout.write(json.dumps(rows) + "\n")
    else:
        _print_table(rows)
