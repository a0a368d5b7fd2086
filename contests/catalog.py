"""Which contests are available: the bundled ones (contests/bundled/*) and the imported ones."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from contests.contest import Contest
from contests.errors import ContestError, NotFoundError
from contests.formats import native


class ContestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    origin: Literal["bundled", "imported"]
    path: Path
    rules: str = ""
    problems: list[str] = []
    standings: str = "none"
    error: str | None = None


def bundled_root() -> Path:
    return Path(__file__).resolve().parent / "bundled"


def list_contests(contests_dir: Path) -> list[ContestEntry]:
    """Contest dirs under the bundled root and ``contests_dir``; a broken one is listed with its error."""
    entries = []
    for origin, root in (("bundled", bundled_root()), ("imported", Path(contests_dir))):
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.iterdir() if native.is_contest_dir(p)):
            entries.append(_entry(path, origin))  # type: ignore[arg-type]
    return entries


def _entry(path: Path, origin: Literal["bundled", "imported"]) -> ContestEntry:
    try:
        contest = native.read_contest(path)
    except ContestError as exc:
        return ContestEntry(id=path.name, name="?", origin=origin, path=path, error=str(exc))
    return ContestEntry(
        id=contest.id,
        name=contest.name,
        origin=origin,
        path=path,
        rules=contest.rules.value,
        problems=[str(p.index) for p in contest.problems],
        standings=describe_standings(contest),
    )


def describe_standings(contest: Contest) -> str:
    standings = contest.standings
    if standings is None:
        return "none"
    kind = "synthetic" if standings.synthetic else "real"
    return f"{kind}: {len(standings.rows)} rows, {len(standings.rated())} rated"


def find_contest(ref: str | Path, contests_dir: Path) -> Path:
    """A contest dir given as a path, or by id among the bundled and imported contests."""
    path = Path(ref)
    if path.is_dir():
        return path
    for root in (bundled_root(), Path(contests_dir)):
        candidate = root / str(ref)
        if native.is_contest_dir(candidate):
            return candidate
    for entry in list_contests(contests_dir):
        if entry.id == str(ref):
            return entry.path
    raise NotFoundError(f"contest {ref!r}: no such directory, and no bundled or imported contest has that id")
