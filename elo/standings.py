"""Standings to rate, as users hand them over, and the per-handle result of rating them.

Two input shapes (already parsed from JSON; reading files is the caller's business):
- the simple one: an array of {"handle", "points", "penalty", "old_rating", "contests_played"?} in any
  order (ranked by points descending, then penalty ascending; old_rating null = a new account);
- the Codeforces API's: the `contest.standings` payload (rows with party members, points, penalty)
  with the `contest.ratingChanges` payload (who is rated, and their oldRating), either side by side
  in one object {"standings": ..., "ratingChanges": ...} or given separately. Each payload may be
  the whole API answer {"status": "OK", "result": ...} or its result only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from elo.accounts import NEW_ACCOUNT_RATING_BEFORE_2020, entry_rating, is_new_account, shown_after
from elo.codeforces import rate, standings_order
from elo.errors import StandingsError


class Contestant(BaseModel):
    """One rated contestant of the simple format."""

    model_config = ConfigDict(extra="forbid")

    handle: str
    points: float
    penalty: int = 0
    old_rating: int | None = None  # the shown rating; null for an account's first rated contest
    contests_played: int | None = Field(default=None, ge=0)  # rated contests before this one, if known


class RatingRow(BaseModel):
    """One contestant's result; `delta` is the update's own, `new_rating` the shown rating after it."""

    handle: str
    rank: int
    old_rating: int
    delta: int
    new_rating: int
    performance: int | None  # None for rank 1: unbounded


def _api_result(payload: Any, what: str, source: str) -> Any:
    if isinstance(payload, dict) and "status" in payload:
        if payload.get("status") != "OK":
            raise StandingsError(
                f"{source}: {what} payload has status {payload.get('status')!r}: {payload.get('comment', '')}"
            )
        return payload.get("result")
    return payload


def _field(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise StandingsError(f"{where}: missing field {key!r}")
    return obj[key]


def _from_api(standings: Any, rating_changes: Any, source: str) -> list[Contestant]:
    result = _api_result(standings, "contest.standings", source)
    rows = _field(result, "rows", f"{source}: contest.standings result")
    changes = _api_result(rating_changes, "contest.ratingChanges", source)
    if not isinstance(changes, list) or not isinstance(rows, list):
        raise StandingsError(f"{source}: contest.standings rows and contest.ratingChanges must be arrays")
    old = {}
    for i, change in enumerate(changes):
        old[_field(change, "handle", f"{source}: ratingChanges[{i}]")] = _field(
            change, "oldRating", f"{source}: ratingChanges[{i}]"
        )
    out: list[Contestant] = []
    taken: set[str] = set()
    for i, row in enumerate(rows):
        where = f"{source}: standings rows[{i}]"
        party = _field(row, "party", where)
        # Unofficial rows (virtual, practice, out of competition) are never rated.
        if party.get("participantType", "CONTESTANT") != "CONTESTANT":
            continue
        for member in _field(party, "members", where):
            handle = _field(member, "handle", where)
            if handle in old and handle not in taken:
                taken.add(handle)
                out.append(
                    _contestant(
                        {
                            "handle": handle,
                            "points": _field(row, "points", where),
                            "penalty": row.get("penalty", 0),
                            "old_rating": old[handle],
                        },
                        where,
                    )
                )
    missing = set(old) - taken
    if missing:
        raise StandingsError(
            f"{source}: ratingChanges handle {sorted(missing)[0]!r} has no row in the standings"
        )
    return out


def _contestant(item: Any, where: str) -> Contestant:
    try:
        return Contestant.model_validate(item)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise StandingsError(f"{where}: {loc}: {err['msg']} (got {err.get('input')!r})") from None


def contestants_from_json(
    data: Any, rating_changes: Any = None, *, source: str = "standings"
) -> list[Contestant]:
    """The contestants of either input shape; every error names `source` and the offending entry."""
    if rating_changes is not None:
        return _from_api(data, rating_changes, source)
    if isinstance(data, dict) and "standings" in data and "ratingChanges" in data:
        return _from_api(data["standings"], data["ratingChanges"], source)
    if isinstance(data, list):
        out = [_contestant(item, f"{source}: [{i}]") for i, item in enumerate(data)]
        if not out:
            raise StandingsError(f"{source}: the standings array is empty")
        return out
    if isinstance(data, dict) and ("rows" in data or "result" in data):
        raise StandingsError(
            f"{source}: a contest.standings payload needs the contest.ratingChanges payload too"
        )
    raise StandingsError(
        f"{source}: expected an array of contestants or an object with 'standings' and 'ratingChanges'"
    )


def rate_standings(contestants: list[Contestant], *, new_accounts: bool = False) -> list[RatingRow]:
    """Rate one contest; rows in standings order."""
    if not contestants:
        raise StandingsError("no contestants to rate")
    seen: set[str] = set()
    for c in contestants:
        if c.handle in seen:
            raise StandingsError(f"handle {c.handle!r} appears twice in the standings")
        seen.add(c.handle)
    internal = [entry_rating(c.old_rating, c.contests_played, new_accounts=new_accounts) for c in contestants]
    points = [c.points for c in contestants]
    penalty = [c.penalty for c in contestants]
    update = rate(points, penalty, internal)
    assert update.performance is not None
    rows = []
    for i in standings_order(points, penalty):
        c = contestants[i]
        if new_accounts and is_new_account(c.old_rating, c.contests_played):
            shown_before = 0
        else:
            shown_before = NEW_ACCOUNT_RATING_BEFORE_2020 if c.old_rating is None else c.old_rating
        perf = float(update.performance[i])
        rows.append(
            RatingRow(
                handle=c.handle,
                rank=int(update.rank[i]),
                old_rating=shown_before,
                delta=int(update.delta[i]),
                new_rating=shown_after(
                    internal[i] + int(update.delta[i]),
                    c.old_rating,
                    c.contests_played,
                    new_accounts=new_accounts,
                ),
                performance=int(perf) if np.isfinite(perf) else None,
            )
        )
    return rows
