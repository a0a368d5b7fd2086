"""Codeforces API payloads -> the contest's metadata, problems and human standings.

``contest.standings`` (rows with per-problem results: points, rejectedAttemptCount,
bestSubmissionTimeSeconds), ``contest.ratingChanges`` (old and new rating of each rated participant) and
``problemset.problems`` (ratings and tags), each stored as the API returns it
({"status": "OK", "result": ...}).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from contests.contest import Contest, Rules
from contests.errors import FormatError
from contests.formats.fields import build, check, get, get_opt, load_json, mapping, number
from contests.problem import Problem
from contests.standings import ProblemResult, Standings, StandingsRow

STANDINGS_FILE = "contest.standings.json"
RATING_CHANGES_FILE = "contest.ratingChanges.json"
PROBLEMSET_FILE = "problemset.problems.json"


class ApiProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: str
    name: str
    points: float | None = None
    rating: int | None = None
    tags: list[str] = []


class ApiContest(BaseModel):
    """What the API payloads say about one contest."""

    model_config = ConfigDict(extra="forbid")

    contest_id: int
    name: str
    rules: Rules
    duration_minutes: int
    start_time: datetime | None
    problems: list[ApiProblem]
    standings: Standings


def result_of(payload: Any, path: Path) -> Any:
    """The ``result`` of an API envelope; a FAILED envelope is an error naming its comment."""
    envelope = mapping(payload, path, None)
    status = envelope.get("status")
    if status != "OK":
        comment = envelope.get("comment", "")
        raise FormatError(path, "status", f"API call did not succeed: {status!r} {comment}".rstrip())
    if "result" not in envelope:
        raise FormatError(path, "result", "is missing")
    return envelope["result"]


def read_api_dir(directory: Path) -> ApiContest:
    """Read ``contest.standings.json`` (+ ``contest.ratingChanges.json``, ``problemset.problems.json``)."""
    directory = Path(directory)
    standings_path = directory / STANDINGS_FILE
    changes_path = directory / RATING_CHANGES_FILE
    problemset_path = directory / PROBLEMSET_FILE
    changes = load_json(changes_path) if changes_path.exists() else None
    problemset = load_json(problemset_path) if problemset_path.exists() else None
    return read_payloads(
        load_json(standings_path),
        changes,
        problemset,
        paths=(standings_path, changes_path, problemset_path),
    )


def read_payloads(
    standings: Any,
    rating_changes: Any = None,
    problemset: Any = None,
    *,
    paths: tuple[Path, Path, Path] = (Path(STANDINGS_FILE), Path(RATING_CHANGES_FILE), Path(PROBLEMSET_FILE)),
) -> ApiContest:
    s_path, r_path, p_path = paths
    result = mapping(result_of(standings, s_path), s_path, "result")
    contest = mapping(get(result, "contest", dict, s_path, "result.contest"), s_path, "result.contest")
    contest_id = get(contest, "id", int, s_path, "result.contest.id")
    kind = get(contest, "type", str, s_path, "result.contest.type")
    if kind not in ("CF", "ICPC"):
        raise FormatError(
            s_path, "result.contest.type", f"expected CF or ICPC (IOI is not supported), got {kind!r}"
        )
    duration = get(contest, "durationSeconds", int, s_path, "result.contest.durationSeconds")
    if duration <= 0:
        raise FormatError(s_path, "result.contest.durationSeconds", f"must be positive, got {duration}")
    start = get_opt(contest, "startTimeSeconds", int, s_path, "result.contest.startTimeSeconds")
    problems = _problems(get(result, "problems", list, s_path, "result.problems"), s_path, "result.problems")
    _add_problemset(problems, problemset, p_path, contest_id)
    changes = _rating_changes(rating_changes, r_path) if rating_changes is not None else {}
    indices = [p.index for p in problems]
    rows = [
        row
        for i, raw in enumerate(get(result, "rows", list, s_path, "result.rows"))
        if (row := _row(raw, indices, changes, s_path, f"result.rows[{i}]")) is not None
    ]
    try:
        start_time = datetime.fromtimestamp(start, UTC) if start is not None else None
    except (OverflowError, OSError, ValueError):
        raise FormatError(s_path, "result.contest.startTimeSeconds", f"not a valid time: {start}") from None
    return ApiContest(
        contest_id=contest_id,
        name=get(contest, "name", str, s_path, "result.contest.name"),
        rules=Rules.CF if kind == "CF" else Rules.ICPC,
        duration_minutes=max(1, duration // 60),
        start_time=start_time,
        problems=problems,
        standings=Standings(
            synthetic=False,
            note=f"Codeforces API contest.standings of contest {contest_id}, official contestants only"
            + ("; old/new ratings from contest.ratingChanges" if changes else "; no rating changes"),
            rows=rows,
        ),
    )


def _problems(items: list[Any], path: Path, field: str) -> list[ApiProblem]:
    out = []
    for i, item in enumerate(items):
        data = mapping(item, path, f"{field}[{i}]")
        out.append(
            build(
                ApiProblem,
                {
                    "index": get(data, "index", str, path, f"{field}[{i}].index"),
                    "name": get(data, "name", str, path, f"{field}[{i}].name"),
                    "points": get_opt(data, "points", (int, float), path, f"{field}[{i}].points"),
                    "rating": get_opt(data, "rating", int, path, f"{field}[{i}].rating"),
                    "tags": get_opt(data, "tags", list, path, f"{field}[{i}].tags") or [],
                },
                path,
                f"{field}[{i}]",
            )
        )
    return out


def _add_problemset(problems: list[ApiProblem], payload: Any, path: Path, contest_id: int) -> None:
    """problemset.problems carries ratings and tags that contest.standings may lack."""
    if payload is None:
        return
    result = mapping(result_of(payload, path), path, "result")
    known = {}
    for i, item in enumerate(get(result, "problems", list, path, "result.problems")):
        data = mapping(item, path, f"result.problems[{i}]")
        if data.get("contestId") == contest_id:
            known[get(data, "index", str, path, f"result.problems[{i}].index")] = data
    for problem in problems:
        extra = known.get(problem.index)
        if extra is None:
            continue
        if problem.rating is None:
            problem.rating = get_opt(extra, "rating", int, path, "result.problems.rating")
        if not problem.tags:
            problem.tags = list(get_opt(extra, "tags", list, path, "result.problems.tags") or [])


def _rating_changes(payload: Any, path: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for i, item in enumerate(check(result_of(payload, path), list, path, "result")):
        data = mapping(item, path, f"result[{i}]")
        handle = get(data, "handle", str, path, f"result[{i}].handle")
        out[handle] = (
            get(data, "oldRating", int, path, f"result[{i}].oldRating"),
            get(data, "newRating", int, path, f"result[{i}].newRating"),
        )
    return out


def _row(
    raw: Any, indices: list[str], changes: Mapping[str, tuple[int, int]], path: Path, field: str
) -> StandingsRow | None:
    data = mapping(raw, path, field)
    party = mapping(get(data, "party", dict, path, f"{field}.party"), path, f"{field}.party")
    if party.get("participantType", "CONTESTANT") != "CONTESTANT" or party.get("ghost"):
        return None
    members = get(party, "members", list, path, f"{field}.party.members")
    handles = [
        get(
            mapping(m, path, f"{field}.party.members[{j}]"),
            "handle",
            str,
            path,
            f"{field}.party.members[{j}].handle",
        )
        for j, m in enumerate(members)
    ]
    team = get_opt(party, "teamName", str, path, f"{field}.party.teamName")
    handle = team or "+".join(handles)
    if not handle:
        raise FormatError(path, f"{field}.party.members", "no handle and no team name")
    results = get(data, "problemResults", list, path, f"{field}.problemResults")
    if len(results) != len(indices):
        raise FormatError(
            path, f"{field}.problemResults", f"{len(results)} results for {len(indices)} problems"
        )
    problems = {}
    for index, item in zip(indices, results, strict=True):
        where = f"{field}.problemResults[{index}]"
        res = mapping(item, path, where)
        points = number(get(res, "points", (int, float), path, f"{where}.points"), path, f"{where}.points")
        seconds = get_opt(res, "bestSubmissionTimeSeconds", int, path, f"{where}.bestSubmissionTimeSeconds")
        problems[index] = build(
            ProblemResult,
            {
                "points": points,
                "rejected": get_opt(res, "rejectedAttemptCount", int, path, f"{where}.rejectedAttemptCount")
                or 0,
                "minute": number(seconds, path, where) / 60 if seconds is not None and points > 0 else None,
            },
            path,
            where,
        )
    old_new = changes.get(handles[0]) if len(handles) == 1 else None
    penalty = get_opt(data, "penalty", int, path, f"{field}.penalty") or 0
    return build(
        StandingsRow,
        {
            "handle": handle,
            "rank": get(data, "rank", int, path, f"{field}.rank"),
            "old_rating": old_new[0] if old_new else None,
            "new_rating": old_new[1] if old_new else None,
            "points": number(
                get(data, "points", (int, float), path, f"{field}.points"), path, f"{field}.points"
            ),
            "penalty": penalty,
            "problems": problems,
        },
        path,
        field,
    )


def assemble(api: ApiContest, problems: Mapping[str, Problem], *, source: str) -> Contest:
    """A real contest: the API's metadata and human standings with the problems (and tests) of another source.

    Problems missing from ``problems`` are an error: the standings would score problems nobody can judge.
    """
    missing = [p.index for p in api.problems if p.index not in problems]
    if missing:
        raise FormatError(
            Path(STANDINGS_FILE),
            "result.problems",
            f"contest {api.contest_id}: no problem data for {', '.join(missing)} in {source}",
        )
    merged = []
    for meta in api.problems:
        problem = problems[meta.index].model_copy(deep=True)
        problem.index = meta.index
        problem.name = problem.name or meta.name
        if api.rules is Rules.CF and meta.points is not None:
            problem.points = meta.points
        problem.rating = problem.rating if problem.rating is not None else meta.rating
        problem.tags = problem.tags or list(meta.tags)
        merged.append(problem)
    return Contest(
        id=f"cf-{api.contest_id}",
        name=api.name,
        rules=api.rules,
        duration_minutes=api.duration_minutes,
        start_time=api.start_time,
        problems=merged,
        standings=api.standings,
        source=f"Codeforces contest {api.contest_id}: standings from the Codeforces API, "
        f"problems from {source}",
        licence="Problems: CC BY 4.0 (dataset); standings: public Codeforces API data",
        url=f"https://codeforces.com/contest/{api.contest_id}",
    )
