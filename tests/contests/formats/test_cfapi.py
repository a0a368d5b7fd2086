from __future__ import annotations

import json
from pathlib import Path

import pytest

from contests.contest import Rules
from contests.errors import FormatError
from contests.formats import cfapi, native
from contests.importer import import_contests, write_contests
from tests.contests.fixtures import cf_payloads, openr1_record, write


def _payload_dir(root: Path, **kw: object) -> Path:
    for name, payload in cf_payloads(**kw).items():  # type: ignore[arg-type]
        write(root / name, json.dumps(payload))
    return root


def test_standings_with_per_problem_results_and_ratings(tmp_path: Path) -> None:
    api = cfapi.read_api_dir(_payload_dir(tmp_path / "api"))
    assert (api.contest_id, api.rules, api.duration_minutes) == (2000, Rules.ICPC, 140)
    assert api.start_time is not None and api.start_time.year == 2024
    rows = api.standings.rows
    assert [r.handle for r in rows] == ["alice", "bob", "dave"]  # practice rows are not standings
    alice, bob, dave = rows
    assert (alice.rank, alice.points, alice.penalty, alice.old_rating, alice.new_rating) == (
        1,
        2.0,
        35,
        1500,
        1620,
    )
    assert alice.problems["B"].model_dump() == {"points": 1.0, "rejected": 1, "minute": 20.0}
    assert bob.problems["B"].model_dump() == {"points": 0.0, "rejected": 3, "minute": None}
    assert dave.old_rating is None  # not in ratingChanges: unrated
    assert [r.handle for r in api.standings.rated()] == ["alice", "bob"]
    # problemset.problems fills in a rating and tags that contest.standings lacked
    assert (api.problems[1].rating, api.problems[1].tags) == (1200, ["dp"])


def test_cf_rules_contest(tmp_path: Path) -> None:
    api = cfapi.read_api_dir(_payload_dir(tmp_path / "api", kind="CF"))
    assert api.rules is Rules.CF
    assert api.standings.rows[0].problems["A"].points == 480.0


def test_real_contest_from_openr1_problems_and_api_standings(tmp_path: Path) -> None:
    api_dir = _payload_dir(tmp_path / "api", kind="CF")
    src = write(tmp_path / "o.jsonl", "\n".join(json.dumps(openr1_record(i)) for i in "AB"))
    [contest] = import_contests("openr1", src, standings=api_dir)
    assert (contest.id, contest.name, contest.rules, contest.duration_minutes) == (
        "cf-2000", "Codeforces Round 968 (Div. 4)", Rules.CF, 140,
    )  # fmt: skip
    assert [p.points for p in contest.problems] == [500.0, 1000.0]  # CF points come from the API
    assert contest.standings is not None and len(contest.standings.rows) == 3
    out = write_contests([contest], tmp_path / "out")[0]
    back = native.read_contest(out)
    assert back.standings == contest.standings and back.standings is not None
    assert not back.standings.synthetic
    assert [len(p.tests.all()) for p in back.problems] == [3, 3]
    # the same contest through `import cf-api DIR --problems FILE`
    [again] = import_contests("cf-api", api_dir, problems=src)
    assert again.standings == contest.standings and [p.index for p in again.problems] == ["A", "B"]


def test_missing_problem_data_is_named(tmp_path: Path) -> None:
    api_dir = _payload_dir(tmp_path / "api")
    src = write(tmp_path / "o.jsonl", json.dumps(openr1_record("A")))
    with pytest.raises(FormatError, match="no problem data for B"):
        import_contests("openr1", src, standings=api_dir)
    with pytest.raises(FormatError, match="pass --problems"):
        import_contests("cf-api", api_dir)


def test_failed_envelope_and_malformed_rows(tmp_path: Path) -> None:
    api_dir = _payload_dir(tmp_path / "api")
    write(api_dir / cfapi.STANDINGS_FILE, json.dumps({"status": "FAILED", "comment": "contestId: not found"}))
    with pytest.raises(FormatError, match="contestId: not found") as info:
        cfapi.read_api_dir(api_dir)
    assert info.value.field == "status"
    payload = cf_payloads()["contest.standings.json"]
    payload["result"]["rows"][1]["problemResults"].pop()
    write(api_dir / cfapi.STANDINGS_FILE, json.dumps(payload))
    with pytest.raises(FormatError, match="1 results for 2 problems") as info:
        cfapi.read_api_dir(api_dir)
    assert info.value.field == "result.rows[1].problemResults"
