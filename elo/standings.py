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
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

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
        raise StandingsError(_first_error(exc, where)) from None


def _first_error(exc: ValidationError, where: str, skip: int = 0) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"][skip:])
    return f"{where}: {loc + ': ' if loc else ''}{err['msg']} (got {err.get('input')!r})"


def _contestants(items: list[Any], source: str) -> list[Contestant]:
    """The whole array validated at once (one call into pydantic-core, not one per row: 30,000-row
    contests); an error still names the entry, as `source: [i]: field: message`."""
    try:
        return _CONTESTANTS.validate_python(items)
    except ValidationError as exc:
        index = exc.errors()[0]["loc"][0]
        raise StandingsError(_first_error(exc, f"{source}: [{index}]", skip=1)) from None


_CONTESTANTS = TypeAdapter(list[Contestant])
RATING_ROWS = TypeAdapter(list[RatingRow])  # also rows -> JSON in one call (`cpelo rate --json`)


def contestants_from_json(
    data: Any, rating_changes: Any = None, *, source: str = "standings"
) -> list[Contestant]:
    """The contestants of either input shape; every error names `source` and the offending entry."""
    if rating_changes is not None:
        return _from_api(data, rating_changes, source)
    if isinstance(data, dict) and "standings" in data and "ratingChanges" in data:
        return _from_api(data["standings"], data["ratingChanges"], source)
    if isinstance(data, list):
        out = _contestants(data, source)
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
    return RATING_ROWS.validate_python(rating_columns(contestants, new_accounts=new_accounts))


def rating_columns(contestants: list[Contestant], *, new_accounts: bool = False) -> list[dict[str, Any]]:
    """rate_standings' rows as plain dicts (RatingRow's fields), in standings order.

    Per-row numpy scalars and per-row model construction were most of the time on 30,000 rows: the
    columns are numpy arrays turned into lists once, and the models are validated in one call.
    """
    if not contestants:
        raise StandingsError("no contestants to rate")
    handles = [c.handle for c in contestants]
    if len(set(handles)) != len(handles):
        seen: set[str] = set()
        for h in handles:
            if h in seen:
                raise StandingsError(f"handle {h!r} appears twice in the standings")
            seen.add(h)
    old = [c.old_rating for c in contestants]
    played = [c.contests_played for c in contestants]
    internal = [entry_rating(o, n, new_accounts=new_accounts) for o, n in zip(old, played, strict=True)]
    points = [c.points for c in contestants]
    penalty = [c.penalty for c in contestants]
    update = rate(points, penalty, internal)
    assert update.performance is not None
    delta = update.delta
    finite = np.isfinite(update.performance)
    performance = np.where(finite, update.performance, 0).astype(np.int64)
    if new_accounts:
        before = [0 if is_new_account(o, n) else o for o, n in zip(old, played, strict=True)]
        after = [
            shown_after(x + d, o, n, new_accounts=True)
            for x, d, o, n in zip(internal, delta.tolist(), old, played, strict=True)
        ]
    else:
        before = [NEW_ACCOUNT_RATING_BEFORE_2020 if o is None else o for o in old]
        after = (np.asarray(internal, np.int64) + delta).tolist()
    order = standings_order(points, penalty)
    shown = [before[i] for i in order.tolist()]
    perf = [
        p if f else None for p, f in zip(performance[order].tolist(), finite[order].tolist(), strict=True)
    ]
    return [
        {"handle": h, "rank": r, "old_rating": o, "delta": d, "new_rating": n, "performance": p}
        for h, r, o, d, n, p in zip(
            [handles[i] for i in order.tolist()], update.rank[order].tolist(), shown, delta[order].tolist(),
            [after[i] for i in order.tolist()], perf, strict=True,
        )
    ]  # fmt: skip
