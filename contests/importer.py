"""``cpelo contests import FORMAT SRC``: read a foreign format into Contests and write them natively."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contests.contest import Contest, Rules
from contests.errors import ContestError, FormatError, UnknownFormatError
from contests.formats import cfapi, codecontests, kattis, native, openr1, polygon
from contests.formats.records import iter_records
from contests.problem import Problem

FORMATS = ("kattis", "polygon", "codecontests", "openr1", "cf-api")
INDICES = [chr(ord("A") + i) for i in range(26)]
DEFAULT_DURATION = 120  # minutes, when the source does not say (a Codeforces round's usual length)

TimeLimitDeriver = Callable[[Problem], Problem]


def import_contests(
    fmt: str,
    src: Path,
    *,
    standings: Path | None = None,
    problems: Path | None = None,
    problems_format: str = "openr1",
    contest_id: str | None = None,
    with_generated: bool = False,
    max_solutions: int = 10,
    include_interactive: bool = False,
    time_limit_deriver: TimeLimitDeriver | None = None,
) -> list[Contest]:
    """Read ``src`` in format ``fmt`` into contests (not yet written)."""
    try:
        return _import(
            fmt,
            Path(src),
            standings=standings,
            problems=problems,
            problems_format=problems_format,
            contest_id=contest_id,
            with_generated=with_generated,
            max_solutions=max_solutions,
            include_interactive=include_interactive,
            time_limit_deriver=time_limit_deriver,
        )
    except OSError as exc:  # unreadable directories and the like, below the readers' own checks
        raise FormatError(exc.filename or src, None, f"cannot read: {exc.strerror or exc}") from None


def _import(
    fmt: str,
    src: Path,
    *,
    standings: Path | None,
    problems: Path | None,
    problems_format: str,
    contest_id: str | None,
    with_generated: bool,
    max_solutions: int,
    include_interactive: bool,
    time_limit_deriver: TimeLimitDeriver | None,
) -> list[Contest]:
    if not src.exists():
        raise FormatError(src, None, "does not exist")
    if fmt == "kattis":
        return [_packages_contest(src, "kattis", time_limit_deriver)]
    if fmt == "polygon":
        return [_packages_contest(src, "polygon", None)]
    if fmt == "codecontests":
        found = _codecontests(src, with_generated=with_generated, max_solutions=max_solutions)
        return _attach(_select(found, contest_id, src), standings, f"CodeContests ({src.name})")
    if fmt == "openr1":
        found = _openr1(src, include_interactive=include_interactive)
        return _attach(_select(found, contest_id, src), standings, f"open-r1/codeforces ({src.name})")
    if fmt == "cf-api":
        if problems is None:
            raise FormatError(
                src, None, "API payloads carry no tests: pass --problems FILE (open-r1 or CodeContests)"
            )
        api = cfapi.read_api_dir(src)
        if problems_format not in ("openr1", "codecontests"):
            raise UnknownFormatError(
                f"--problems-format {problems_format!r}: expected openr1 or codecontests"
            )
        if problems_format == "openr1":
            pool = _openr1(problems, include_interactive=include_interactive)
        else:
            pool = _codecontests(problems, with_generated=with_generated, max_solutions=max_solutions)
        return [
            cfapi.assemble(api, _problems_of(pool, str(api.contest_id), problems), source=str(problems.name))
        ]
    raise UnknownFormatError(f"unknown import format {fmt!r}: expected one of {', '.join(FORMATS)}")


def write_contests(contests: Iterable[Contest], out: Path, *, force: bool = False) -> list[Path]:
    """One contest: written at ``out``; several: at ``out/<contest id>/``. Never overwrites unless forced."""
    items = list(contests)
    targets = [Path(out)] if len(items) == 1 else [Path(out) / c.id for c in items]
    for target in targets:
        if target.exists() and not target.is_dir():
            raise ContestError(f"{target}: exists and is not a directory")
        if target.exists() and any(target.iterdir()) and not force:
            raise ContestError(f"{target}: already exists and is not empty (use --force to replace it)")
    written = []
    for contest, target in zip(items, targets, strict=True):
        if target.exists() and force:
            shutil.rmtree(target)
        staging = target.with_name(f".{target.name}.importing")
        if staging.exists():
            shutil.rmtree(staging)
        try:
            native.write_contest(contest, staging)
            native.read_contest(staging)  # what we wrote must read back
            staging.rename(target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ContestError(
                f"{exc.filename or target}: cannot write the import: {exc.strerror or exc}"
            ) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        written.append(target)
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "contest"


def _packages_contest(src: Path, fmt: str, derive: TimeLimitDeriver | None) -> Contest:
    is_package = kattis.is_kattis_package if fmt == "kattis" else polygon.is_polygon_package
    reader = kattis.read_kattis if fmt == "kattis" else polygon.read_polygon
    if is_package(src):
        dirs = [src]
    else:
        dirs = sorted(p for p in src.iterdir() if p.is_dir() and is_package(p)) if src.is_dir() else []
        if not dirs:
            what = "problem.yaml + data/" if fmt == "kattis" else "problem.xml"
            raise FormatError(src, None, f"not a {fmt} package ({what}) nor a directory of them")
    if len(dirs) > len(INDICES):
        raise FormatError(src, None, f"{len(dirs)} packages: at most {len(INDICES)} fit in one contest")
    problems = []
    for index, directory in zip(INDICES, dirs, strict=False):
        problem = reader(directory)
        if derive is not None and problem.time_limit is None:
            problem = derive(problem)
        problem.index = index
        problems.append(problem)
    single = problems[0] if len(problems) == 1 else None
    return Contest(
        id=_slug(name if (name := src.resolve().name).startswith(fmt) else f"{fmt}-{name}"),
        name=single.name if single else src.resolve().name,
        rules=Rules.ICPC,
        duration_minutes=300,
        problems=problems,
        source=(single.source if single else None) or f"{fmt} packages from {src.resolve().name}",
        licence=single.licence if single else _common([p.licence for p in problems]),
        notes=[f"imported from {fmt} package(s); rules and duration are cpelo's defaults (icpc, 300 min)"],
    )


def _common(values: list[str | None]) -> str | None:
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else ("; ".join(sorted(distinct)) or None)


@dataclass
class _Group:
    """The problems of one contest found in a record file, and what the records say about the contest."""

    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def _codecontests(
    src: Path, *, with_generated: bool = False, max_solutions: int = 10, **_: Any
) -> dict[str, _Group]:
    groups: dict[str, _Group] = defaultdict(_Group)
    for where, record in iter_records(src):
        problem = codecontests.read_record(
            record, src, where, with_generated=with_generated, max_solutions=max_solutions
        )
        key = codecontests.contest_key(problem)
        if key is not None and problem.index is not None:
            groups[key].problems.append(problem)
    return dict(groups)


def _openr1(src: Path, *, include_interactive: bool = False, **_: Any) -> dict[str, _Group]:
    groups: dict[str, _Group] = defaultdict(_Group)
    for where, record in iter_records(src):
        if openr1.is_interactive(record) and not include_interactive:
            continue
        problem = openr1.read_record(record, src, where)
        meta = openr1.contest_meta(record)
        if meta["contest_id"] is not None and problem.index is not None:
            group = groups[str(meta["contest_id"])]
            group.problems.append(problem)
            group.meta = group.meta or meta
    return dict(groups)


def _select(found: dict[str, _Group], contest_id: str | None, src: Path) -> dict[str, _Group]:
    if contest_id is not None:
        if contest_id not in found:
            raise FormatError(
                src, "contest_id", f"no problems of contest {contest_id} (found: {_listing(found)})"
            )
        return {contest_id: found[contest_id]}
    if not found:
        raise FormatError(src, None, "no Codeforces problems with a contest id and index")
    return found


def _listing(found: Mapping[str, Any]) -> str:
    keys = sorted(found, key=lambda k: (len(k), k))
    return ", ".join(keys[:10]) + (" ..." if len(keys) > 10 else "") if keys else "none"


def _problems_of(found: dict[str, _Group], contest_id: str, src: Path) -> dict[str, Problem]:
    if contest_id not in found:
        raise FormatError(
            src, "contest_id", f"no problems of contest {contest_id} (found: {_listing(found)})"
        )
    return {str(p.index): p for p in found[contest_id].problems}


def _attach(found: dict[str, _Group], standings: Path | None, source: str) -> list[Contest]:
    """Contests from grouped problems; with API payloads, the matching contest gets the real standings."""
    if standings is not None:
        api = cfapi.read_api_dir(standings)
        return [cfapi.assemble(api, _problems_of(found, str(api.contest_id), standings), source=source)]
    out = []
    for key, group in sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0])):
        unique: dict[str, Problem] = {}
        for problem in group.problems:
            unique.setdefault(str(problem.index), problem)
        problems = [unique[i] for i in sorted(unique, key=lambda i: (len(i), i))]
        kind = group.meta.get("contest_type")
        if kind is not None:
            rules = Rules.ICPC if kind == "ICPC" else Rules.CF
        else:
            rules = Rules.ICPC if all(p.points is None for p in problems) else Rules.CF
        start = group.meta.get("contest_start")
        out.append(
            Contest(
                id=f"cf-{key}",
                name=str(group.meta.get("contest_name") or f"Codeforces contest {key}"),
                rules=rules,
                duration_minutes=DEFAULT_DURATION,
                start_time=_time(start),
                problems=problems,
                source=f"Codeforces contest {key}, problems from {source}",
                licence="CC BY 4.0 (dataset)",
                url=f"https://codeforces.com/contest/{key}",
                notes=[
                    f"duration unknown to {source}: {DEFAULT_DURATION} min assumed; no human standings "
                    "(fetch them with `cpelo contests fetch` and import with --standings)"
                ],
            )
        )
    return out


def _time(value: Any) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**11:
        return datetime.fromtimestamp(value, UTC)
    return None
