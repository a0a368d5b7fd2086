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


def bundled_names() -> list[str]:
    root = bundled_root()
    return sorted(p.name for p in root.iterdir() if native.is_contest_dir(p)) if root.is_dir() else []


def resolve_contest(spec: str | Path, contests_dir: Path | None = None) -> Path:
    """A contest directory from a path, or the name of a bundled contest or of one imported under
    ``contests_dir``."""
    path = Path(spec)
    if native.is_contest_dir(path):
        return path.resolve()
    for root in (bundled_root(), contests_dir):
        if root is not None and native.is_contest_dir(root / str(spec)):
            return (root / str(spec)).resolve()
    known = ", ".join(bundled_names()) or "none"
    raise NotFoundError(
        f"contest {str(spec)!r}: not a contest directory (no contest.yaml) nor a known name ({known})"
    )


def load_contest(spec: str | Path, contests_dir: Path | None = None) -> Contest:
    """The contest `resolve_contest` finds."""
    return native.read_contest(resolve_contest(spec, contests_dir))
