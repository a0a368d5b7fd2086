"""Issue 18, in-process: absurd limits refused at upload and on read (a bad stored row is reported
per row, never a 500), server ceilings, problem replace/delete by owner or admin, staged uploads that
leave nothing behind, token scopes, expiry and revocation, submissions visible to their owner only."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from contests.package_upload import load_uploaded_package
from judge.config import JudgeConfig
from judge.judge import Judge
from judge.service.app import create_app
from judge.service.auth import create_token, revoke_token
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, problems
from judge.service.queue import JobQueue
from judge.service.worker import Worker
from sandbox import MiB
from tests.judge.service.fixtures import AB_CPP, problem_files, zip_bytes

Client = tuple[TestClient, ServiceConfig]


def _config(tmp_path: Path, db: str, **over: object) -> ServiceConfig:
    base: dict[str, object] = {"db": db, "problem_cache": tmp_path / "cache", "sync_wait_cap_s": 0.2}
    return ServiceConfig(**{**base, **over})  # type: ignore[arg-type]


@pytest.fixture
def client(tmp_path: Path, db_url: str) -> Iterator[Client]:
    config = _config(tmp_path, db_url, max_time_limit_s=5.0, max_tests=20, max_cpu_s_per_submission=30.0)
    with TestClient(create_app(config, loader=load_uploaded_package)) as c:
        yield c, config


def _token(config: ServiceConfig, name: str = "t", scopes: tuple[str, ...] = ("submit", "upload"),
           expires_days: float | None = None) -> dict[str, str]:  # fmt: skip
    engine = make_engine(config.db)
    plain = create_token(engine, name, 1_000_000, scopes, expires_days)
    engine.dispose()
    return {"Authorization": f"Bearer {plain}"}


def _yaml(time_limit: str, memory_mb: int = 256) -> bytes:
    return f"name: Sum\ntime_limit: {time_limit}\nmemory_limit_mb: {memory_mb}\n".encode()


def _package(time_limit: str = "1", tests: int = 2, memory_mb: int = 256) -> bytes:
    files = problem_files(tests=tests)
    files["problem.yaml"] = _yaml(time_limit, memory_mb)
    return zip_bytes(files)


def _upload(
    c: TestClient, auth: dict[str, str], pid: str, data: bytes, method: str = "POST"
) -> tuple[int, str]:
    files = {"package": ("p.zip", data, "application/zip")}
    if method == "POST":
        reply = c.post("/v1/problems", headers=auth, data={"id": pid}, files=files)
    else:
        reply = c.put(f"/v1/problems/{pid}", headers=auth, files=files)
    return reply.status_code, reply.text


@pytest.mark.parametrize(
    ("time_limit", "tests", "memory_mb", "words"),
    [
        (".inf", 2, 256, "time_limit: inf is not a positive finite"),
        (".nan", 2, 256, "time_limit"),
        ("-1", 2, 256, "time_limit"),
        ("1e309", 2, 256, "time_limit: inf"),
        ("100000", 2, 256, "max_time_limit_s=5"),
        ("1", 2, 99999, "max_memory_bytes=2048 MiB"),
        ("1", 21, 256, "max_tests=20"),
        ("2", 16, 256, "max_cpu_s_per_submission=30"),
    ],
)
def test_absurd_limits_and_ceilings_are_refused_at_upload_naming_the_field(
    client: Client, time_limit: str, tests: int, memory_mb: int, words: str
) -> None:
    c, config = client
    code, text = _upload(c, _token(config), "p", _package(time_limit, tests, memory_mb))
    assert code == 422 and words in text, text
    package = {"package": ("p.zip", _package(time_limit, tests, memory_mb))}
    detail = c.post("/v1/problems", headers=_token(config), data={"id": "q"}, files=package).json()["detail"]
    assert detail[0]["loc"] == ["body", "package"], "a 422 is a list of errors, as the OpenAPI spec says"
    assert c.get("/v1/problems", headers=_token(config)).json()["problems"] == []
    assert not [p for p in config.problem_cache.rglob("*") if p.is_file()], "nothing of it stays on disk"


def test_a_bad_stored_row_is_reported_per_row_and_refused_at_judging(client: Client) -> None:
    c, config = client
    auth = _token(config)
    assert _upload(c, auth, "good", _package())[0] == 201
    assert _upload(c, auth, "bad", _package())[0] == 201
    assert _upload(c, auth, "huge", _package())[0] == 201
    engine = make_engine(config.db)
    with engine.begin() as conn:  # as an older server (no ceilings) stored them
        stored = conn.execute(problems.select().where(problems.c.id == "bad")).one().task_json
        for pid, value in (("bad", "null"), ("huge", "100000.0")):
            changed = stored.replace('"time_limit":1.0', f'"time_limit":{value}')
            conn.execute(update(problems).where(problems.c.id == pid).values(task_json=changed))
    listing = c.get("/v1/problems", headers=auth)
    assert listing.status_code == 200
    rows = {p["id"]: p for p in listing.json()["problems"]}
    assert rows["good"]["error"] is None and rows["good"]["tests"] == 2
    assert "time_limit" in rows["bad"]["error"] and rows["bad"]["tests"] is None
    assert "max_time_limit_s=5" in rows["huge"]["error"]
    one = c.get("/v1/problems/bad", headers=auth)
    assert one.status_code == 200 and "time_limit" in one.json()["error"]
    sub = {"problem": "huge", "language": "cpp17", "source": AB_CPP}
    refused = c.post("/v1/submissions", headers=auth, json=sub)
    assert refused.status_code == 409 and "max_time_limit_s" in refused.text
    # A job queued before the row went bad (or under looser ceilings) is refused by the worker.
    queue = JobQueue(engine)
    job = queue.enqueue(problem_id="huge", language="cpp17", source=AB_CPP)
    worker = Worker(config, engine, Judge(JudgeConfig()))
    claim = queue.claim("w", 60)
    assert claim is not None and worker.process(claim)
    row = queue.get(job)
    assert row is not None and row.verdict == "JUDGE_ERROR" and "max_time_limit_s" in row.result_json
    # The owner replaces it; it is usable again.
    code, text = _upload(c, auth, "huge", _package("2"), method="PUT")
    assert code == 200 and '"time_limit":2.0' in text.replace(" ", "")
    assert c.get("/v1/problems/huge", headers=auth).json()["error"] is None
    engine.dispose()


def test_problems_are_replaced_and_deleted_by_their_owner_or_an_admin(client: Client) -> None:
    c, config = client
    owner, other = _token(config, "owner"), _token(config, "other")
    admin, submitter = _token(config, "root", ("admin",)), _token(config, "sub", ("submit",))
    assert _upload(c, owner, "sum", _package())[0] == 201
    assert _upload(c, other, "sum", _package(), method="PUT")[0] == 403
    assert c.delete("/v1/problems/sum", headers=other).status_code == 403
    assert c.delete("/v1/problems/sum", headers=submitter).status_code == 403
    assert _upload(c, submitter, "new", _package())[0] == 403
    assert _upload(c, owner, "sum", _package(".inf"), method="PUT")[0] == 422
    assert c.get("/v1/problems/sum", headers=owner).json()["time_limit"] == 1.0, (
        "a refused replacement changes nothing"
    )
    code, text = _upload(c, admin, "sum", _package("3", tests=3), method="PUT")
    assert code == 200, text
    assert c.get("/v1/problems/sum", headers=owner).json()["tests"] == 3
    assert _upload(c, owner, "nope", _package(), method="PUT")[0] == 404
    assert c.delete("/v1/problems/sum", headers=owner).status_code == 204
    assert c.get("/v1/problems/sum", headers=owner).status_code == 404
    assert c.delete("/v1/problems/sum", headers=admin).status_code == 404
    assert _upload(c, owner, "sum", _package())[0] == 201, "a deleted id can be used again"


def test_rejected_uploads_leave_nothing_on_disk(tmp_path: Path, sqlite_url: str) -> None:
    """F3: three zips of 15 x 16 MiB zeros (240 MiB each unpacked, under every size limit) and no
    problem.yaml: each is unpacked, refused by the loader, and its files removed."""
    config = _config(tmp_path, sqlite_url)
    zeros = zip_bytes({f"data/{i:02d}.bin": bytes(16 * MiB) for i in range(15)})
    assert len(zeros) < 1 * MiB
    with TestClient(create_app(config, loader=load_uploaded_package)) as c:
        auth = _token(config)
        for i in range(3):
            code, text = _upload(c, auth, f"zeros{i}", zeros)
            assert code == 422, text
    leftovers = [p for p in config.problem_cache.rglob("*")]
    assert leftovers == [], leftovers


def test_tokens_expire_are_revoked_and_see_only_their_own_submissions(client: Client) -> None:
    c, config = client
    alice, bob, admin = _token(config, "alice"), _token(config, "bob"), _token(config, "root", ("admin",))
    uploader = _token(config, "up", ("upload",))
    assert _upload(c, alice, "sum", _package())[0] == 201
    body = {"problem": "sum", "language": "cpp17", "source": AB_CPP}
    assert c.post("/v1/submissions", headers=uploader, json=body).status_code == 403
    job = c.post("/v1/submissions", headers=alice, json=body).json()["id"]
    assert c.get(f"/v1/submissions/{job}", headers=alice).status_code == 200
    assert c.get(f"/v1/submissions/{job}", headers=bob).status_code == 404, "another token does not see it"
    assert c.get(f"/v1/submissions/{job}", headers=admin).status_code == 200
    # 3 s: long enough for a loaded machine to use it once, short enough to wait out
    soon = _token(config, "brief", expires_days=3.0 / 86400)
    made = time.monotonic()  # the token was stamped before this
    assert c.get("/v1/problems", headers=soon).status_code == 200
    time.sleep(max(0.0, made + 3.2 - time.monotonic()))
    expired = c.get("/v1/problems", headers=soon)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    engine = make_engine(config.db)
    assert revoke_token(engine, "bob") == 1
    engine.dispose()
    assert c.get("/v1/problems", headers=bob).status_code == 401
    assert c.get("/v1/problems", headers=alice).status_code == 200


def test_request_ids_are_echoed_logged_and_metrics_count_from_totals(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    c, config = client
    with caplog.at_level(logging.INFO, logger="judge.service.access"):
        reply = c.get("/v1/problems", headers={**_token(config, "alice"), "X-Request-ID": "abc-123"})
    assert reply.headers["x-request-id"] == "abc-123"
    [line] = [r.getMessage() for r in caplog.records if r.name == "judge.service.access"]
    assert "GET /v1/problems 200" in line and "token=alice" in line and "id=abc-123" in line
    made = c.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
    assert made != "bad id\twith spaces" and len(made) == 16
    assert c.get("/v1/problems").headers["x-request-id"], "refusals carry one too"
    text = c.get("/metrics").text
    assert "cpelo_queue_depth 0" in text and "cpelo_job_claims_total 0" in text


def test_json_bodies_have_their_own_smaller_limit_chunked_or_not(client: Client) -> None:
    c, config = client
    auth = _token(config)
    big = b'{"source": "' + b"x" * (config.max_json_request_bytes + 10) + b'"}'
    headers = {**auth, "content-type": "application/json"}
    assert c.post("/v1/submissions", headers=headers, content=big).status_code == 413

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    chunked = c.post("/v1/submissions", headers=headers, content=chunks())
    assert chunked.status_code == 413 and "limit" in chunked.json()["detail"], chunked.text
