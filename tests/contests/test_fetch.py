"""`contests fetch` against a fake Codeforces API: a real HTTP server on loopback, in a thread."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contests.errors import FetchError
from contests.fetch import CodeforcesApi, fetch_contest
from contests.formats import cfapi
from tests.contests.fixtures import cf_payloads


class FakeApi:
    """Answers /api/<method> from canned payloads; ``failures[method]`` = (count, status) to fail first."""

    def __init__(self) -> None:
        payloads = cf_payloads()
        self.answers: dict[str, tuple[int, Any]] = {
            "contest.standings": (200, payloads[cfapi.STANDINGS_FILE]),
            "contest.ratingChanges": (200, payloads[cfapi.RATING_CHANGES_FILE]),
            "problemset.problems": (200, payloads[cfapi.PROBLEMSET_FILE]),
        }
        self.failures: dict[str, list[tuple[int, Any]]] = {}
        self.log: list[tuple[float, str, dict[str, list[str]]]] = []
        self.lock = threading.Lock()

    def handle(self, path: str) -> tuple[int, bytes]:
        parsed = urllib.parse.urlparse(path)
        method = parsed.path.rsplit("/", 1)[-1]
        with self.lock:
            self.log.append((time.monotonic(), method, urllib.parse.parse_qs(parsed.query)))
            queued = self.failures.get(method)
            status, body = queued.pop(0) if queued else self.answers.get(method, (404, {"status": "FAILED"}))
        return status, body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def fake_api() -> Iterator[tuple[FakeApi, str]]:
    api = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = api.handle(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fetch_writes_payloads_that_import(tmp_path: Path, fake_api: tuple[FakeApi, str]) -> None:
    api, url = fake_api
    client = CodeforcesApi(base_url=url, interval=0.05)
    written = fetch_contest(2000, tmp_path / "api", client, problemset=True)
    assert sorted(p.name for p in written) == sorted(
        [cfapi.STANDINGS_FILE, cfapi.RATING_CHANGES_FILE, cfapi.PROBLEMSET_FILE]
    )
    assert [m for _, m, _ in api.log] == ["contest.standings", "contest.ratingChanges", "problemset.problems"]
    assert api.log[0][2] == {"contestId": ["2000"], "showUnofficial": ["false"]}
    contest = cfapi.read_api_dir(tmp_path / "api")
    assert contest.contest_id == 2000 and len(contest.standings.rated()) == 2


class TimedApi(CodeforcesApi):
    """Records when each request leaves the client (the server's arrival times jitter under load)."""

    starts: list[float]

    def _get(self, url: str) -> tuple[int, bytes]:
        self.starts.append(time.monotonic())
        return super()._get(url)


def test_requests_are_spaced_by_the_interval(tmp_path: Path, fake_api: tuple[FakeApi, str]) -> None:
    _, url = fake_api
    client = TimedApi(base_url=url, interval=0.3)
    client.starts = []
    fetch_contest(2000, tmp_path / "api", client, problemset=True)
    assert len(client.starts) == 3
    # sleeping only lengthens a gap; 5 ms slack for the bookkeeping between the wait and the request
    assert all(b - a >= 0.295 for a, b in itertools.pairwise(client.starts))


def test_retries_with_backoff_on_server_errors_and_call_limit(
    tmp_path: Path, fake_api: tuple[FakeApi, str]
) -> None:
    api, url = fake_api
    api.failures["contest.standings"] = [
        (503, b"<html>busy</html>"),
        (400, {"status": "FAILED", "comment": "Call limit exceeded"}),
    ]
    sleeps: list[float] = []
    # a frozen clock: every request waits one full interval after the previous one
    client = CodeforcesApi(base_url=url, interval=0.5, backoff=3.0, sleep=sleeps.append, clock=lambda: 0.0)
    fetch_contest(2000, tmp_path / "api", client)
    assert [m for _, m, _ in api.log] == ["contest.standings"] * 3 + ["contest.ratingChanges"]
    # wait, [503], backoff 0.5, wait, [call limit], backoff 0.5 * 3, wait, [OK]; wait, [ratingChanges]
    assert sleeps == [0.5, 0.5, 1.5, 0.5, 0.5]
    assert (tmp_path / "api" / cfapi.STANDINGS_FILE).is_file()


def test_gives_up_after_the_retries(tmp_path: Path, fake_api: tuple[FakeApi, str]) -> None:
    api, url = fake_api
    api.failures["contest.standings"] = [(502, b"bad gateway")] * 5
    client = CodeforcesApi(base_url=url, interval=0.0, retries=2, sleep=lambda s: None)
    with pytest.raises(FetchError, match="gave up after 3 attempts"):
        fetch_contest(2000, tmp_path / "api", client)
    assert not (tmp_path / "api").exists()


def test_a_failed_answer_is_an_error_at_once(tmp_path: Path, fake_api: tuple[FakeApi, str]) -> None:
    api, url = fake_api
    api.answers["contest.standings"] = (
        400,
        {"status": "FAILED", "comment": "contestId: Contest with id 99 not found"},
    )
    client = CodeforcesApi(base_url=url, interval=0.0, sleep=lambda s: None)
    with pytest.raises(FetchError, match="Contest with id 99 not found"):
        fetch_contest(99, tmp_path / "api", client)
    assert len(api.log) == 1


def test_unrated_contest_has_no_rating_changes(tmp_path: Path, fake_api: tuple[FakeApi, str]) -> None:
    api, url = fake_api
    api.answers["contest.ratingChanges"] = (
        400,
        {"status": "FAILED", "comment": "contestId: Rating changes are unavailable for this contest"},
    )
    written = fetch_contest(2000, tmp_path / "api", CodeforcesApi(base_url=url, interval=0.0))
    assert [p.name for p in written] == [cfapi.STANDINGS_FILE]
    assert cfapi.read_api_dir(tmp_path / "api").standings.rated() == []


def test_unreachable_api(tmp_path: Path) -> None:
    client = CodeforcesApi(base_url="http://127.0.0.1:9/api/", interval=0.0, retries=1, sleep=lambda s: None)
    with pytest.raises(FetchError, match="cannot reach the API"):
        fetch_contest(1, tmp_path / "api", client)


def test_fetch_command_then_import_a_real_contest(
    tmp_path: Path,
    fake_api: tuple[FakeApi, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sys

    from contests.app.cli import cli
    from contests.app.cli.errors import run_main
    from tests.contests.fixtures import openr1_record, write

    _, url = fake_api

    def cpelo(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["cpelo", *args])
        try:
            run_main(cli)
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    assert (
        cpelo(
            "contests", "fetch", "2000", "--out", str(tmp_path / "api"), "--api-url", url, "--interval", "0"
        )
        == 0
    )
    assert "contest.standings.json" in capsys.readouterr().out
    src = write(tmp_path / "o.jsonl", "\n".join(json.dumps(openr1_record(i)) for i in "AB"))
    out = tmp_path / "contest"
    assert (
        cpelo(
            "contests", "import", "openr1", str(src), "--standings", str(tmp_path / "api"), "--out", str(out)
        )
        == 0
    )
    assert "cf-2000: 2 problems, 3 standings rows" in capsys.readouterr().out
    assert (
        cpelo(
            "contests",
            "fetch",
            "99",
            "--out",
            str(tmp_path / "x"),
            "--api-url",
            "http://127.0.0.1:9/api/",
            "--retries",
            "0",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("cpelo: ") and len(err.strip().splitlines()) == 1
