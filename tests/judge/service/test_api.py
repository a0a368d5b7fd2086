"""The API in-process (no workers: jobs stay queued): every malformed request is a clear 4xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from contests.package_upload import load_uploaded_package
from judge.service.app import create_app
from judge.service.config import ServiceConfig
from tests.judge.service.fixtures import AB_CPP, new_token, problem_files, zip_bytes


@pytest.fixture
def api(tmp_path: Path, sqlite_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = ServiceConfig(
        db=sqlite_url, problem_cache=tmp_path / "cache", max_source_bytes=1000, max_upload_bytes=20_000,
        sync_wait_cap_s=0.3,
    )  # fmt: skip
    app = create_app(settings, loader=load_uploaded_package)
    auth = {"Authorization": f"Bearer {new_token(sqlite_url)}"}
    with TestClient(app) as client:
        package = {"package": ("sum.zip", zip_bytes(problem_files()), "application/zip")}
        reply = client.post("/v1/problems", headers=auth, data={"id": "sum"}, files=package)
        assert reply.status_code == 201, reply.text
        yield client, auth


def _sub(**over: object) -> dict[str, object]:
    return {"problem": "sum", "language": "cpp17", "source": AB_CPP, **over}


def test_submission_is_queued_and_readable(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    reply = client.post("/v1/submissions", headers=auth, json=_sub())
    assert reply.status_code == 201
    job = reply.json()["id"]
    assert reply.headers["Location"] == f"/v1/submissions/{job}"
    state = client.get(f"/v1/submissions/{job}", headers=auth).json()
    assert (state["status"], state["result"], state["attempts"]) == ("queued", None, 0)
    assert client.get("/healthz").json()["queued"] == 1
    assert "cpelo_queue_depth 1" in client.get("/metrics").text


def test_sync_judge_returns_202_when_no_worker_answers_within_the_cap(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = api
    reply = client.post("/v1/judge", headers=auth, json=_sub(wait_s=100))
    assert reply.status_code == 202 and reply.json()["status"] == "queued"
    assert reply.headers["Location"].startswith("/v1/submissions/")


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (_sub(problem="nope"), 404, "not found"),
        (_sub(language="cobol"), 422, "language"),
        (_sub(language="C++ 17"), 422, "pattern"),
        (_sub(source=""), 422, "at least 1"),
        (_sub(source="int main(){}\x00"), 422, "NUL"),
        (_sub(source="x" * 1001), 413, "1001 bytes"),
        (_sub(extra=1), 422, "extra"),
        ({"problem": "sum"}, 422, "missing"),
        (_sub(run_all="maybe"), 422, "bool"),
    ],
)
def test_malformed_submissions_are_4xx(
    api: tuple[TestClient, dict[str, str]], body: dict[str, object], code: int, words: str
) -> None:
    client, auth = api
    reply = client.post("/v1/submissions", headers=auth, json=body)
    assert reply.status_code == code, reply.text
    assert words.lower() in reply.text.lower()


def test_bodies_that_are_not_json_or_too_big(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    headers = {**auth, "content-type": "application/json"}
    assert client.post("/v1/submissions", headers=headers, content=b"{not json").status_code == 422
    assert client.post("/v1/submissions", headers=headers, content=b'"\\ud800"').status_code == 422
    lone = json.dumps(_sub(source="\ud800")).encode()
    assert client.post("/v1/submissions", headers=headers, content=lone).status_code == 422
    huge = b'{"source": "' + b"x" * 2_000_000 + b'"}'
    reply = client.post("/v1/submissions", headers=headers, content=huge)
    assert reply.status_code == 413 and "limit" in reply.json()["detail"]


def test_authentication_and_rate_limits(api: tuple[TestClient, dict[str, str]], sqlite_url: str) -> None:
    client, _ = api
    assert client.get("/v1/problems").status_code == 401
    assert client.get("/v1/problems", headers={"Authorization": "Bearer cpelo_nope"}).status_code == 401
    assert client.get("/v1/problems", headers={"Authorization": "Basic eDp5"}).status_code == 401
    slow = {"Authorization": f"Bearer {new_token(sqlite_url, rate=3)}"}
    codes = [client.get("/v1/problems", headers=slow).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.get("/v1/problems", headers=slow)
    assert int(limited.headers["Retry-After"]) >= 1 and "3 requests per minute" in limited.json()["detail"]


def test_problem_uploads(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api

    def upload(pid: str, data: bytes) -> tuple[int, str]:
        r = client.post("/v1/problems", headers=auth, data={"id": pid},
                        files={"package": ("p.zip", data, "application/zip")})  # fmt: skip
        return r.status_code, r.text

    assert upload("sum", zip_bytes(problem_files()))[0] == 409
    assert upload("bad id!", zip_bytes(problem_files()))[0] == 422
    assert upload("junk", b"not a zip")[0] == 422
    code, text = upload("huge", b"x" * 20_001)
    assert code == 413
    code, text = upload("empty-dir", zip_bytes({"readme.txt": b"hi"}))
    assert code == 422 and "neither a native problem dir" in text
    listed = client.get("/v1/problems", headers=auth).json()["problems"]
    assert [p["id"] for p in listed] == ["sum"]
    assert client.get("/v1/problems/sum", headers=auth).json()["tests"] == 2
    assert client.get("/v1/problems/other", headers=auth).status_code == 404
    assert client.get("/v1/submissions/not-an-id", headers=auth).status_code == 422
    assert client.get("/v1/submissions/" + "0" * 32, headers=auth).status_code == 404


def test_the_service_does_not_import_contests() -> None:
    """DESIGN.md layering: contests -> judge; the package loader is handed in by the CLI."""
    import subprocess
    import sys

    code = (
        "import sys, judge.service.app, judge.service.server, judge.service.worker; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'contests'))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_database_urls() -> None:
    from judge.service.db import normalize_url

    assert normalize_url("postgresql://u@h:5/d") == "postgresql+psycopg://u@h:5/d"
    assert normalize_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"
