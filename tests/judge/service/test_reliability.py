"""The service for real on loopback: a `cpelo serve` process with worker processes, on SQLite and on
PostgreSQL. Nothing is lost, nothing is judged twice, dead workers and servers are recovered from."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from judge.service.db import jobs, make_engine
from tests.judge.service.fixtures import (
    AB_CPP,
    FORK_BOMB_C,
    SPIN_CPP,
    Server,
    new_token,
    problem_files,
    zip_bytes,
)

pytestmark = pytest.mark.root  # judges in the native sandbox

Start = Callable[..., Server]


def _upload(server: Server, token: str, pid: str, files: dict[str, bytes]) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    package = {"package": ("p.zip", zip_bytes(files))}
    reply = httpx.post(f"{server.url}/v1/problems", headers=auth, data={"id": pid}, files=package, timeout=60)
    assert reply.status_code == 201, reply.text


async def _post_all(
    server: Server, token: str, bodies: Sequence[Mapping[str, object]], parallel: int = 64
) -> list[str]:
    limit = asyncio.Semaphore(parallel)
    headers = {"Authorization": f"Bearer {token}"}
    # Idle connections expire on our side before the server's keep-alive (5 s) closes them: a request
    # sent on a connection the server is closing at that moment is lost in flight (a ReadError), the
    # race every HTTP/1.1 client avoids this way (httpx's default expiry equals the server's 5 s).
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=120,
                                 limits=httpx.Limits(max_connections=parallel,
                                                     keepalive_expiry=2.0)) as client:  # fmt: skip

        async def post(body: Mapping[str, object]) -> str:
            async with limit:
                reply = await client.post("/v1/submissions", json=body)
                assert reply.status_code == 201, reply.text
                return str(reply.json()["id"])

        return list(await asyncio.gather(*(post(b) for b in bodies)))


def _wait_done(engine: Engine, ids: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            done = conn.execute(
                select(func.count()).where(jobs.c.id.in_(ids), jobs.c.status == "done")
            ).scalar_one()
        if done == len(ids):
            return
        time.sleep(0.25)
    raise AssertionError(f"{done} of {len(ids)} jobs done after {timeout} s")


def _rows(engine: Engine, ids: list[str]) -> list[tuple[str, str, int, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(jobs.c.id, jobs.c.verdict, jobs.c.attempts, jobs.c.lease_owner).where(jobs.c.id.in_(ids))
        )]  # fmt: skip


def test_500_concurrent_submissions_are_all_judged_exactly_once(db_url: str, servers: Start) -> None:
    token = new_token(db_url)
    server = servers(db_url, workers=2)
    _upload(server, token, "sum", problem_files(tests=2))
    bodies = [{"problem": "sum", "language": "cpp17", "source": AB_CPP} for _ in range(500)]
    started = time.monotonic()
    ids = asyncio.run(_post_all(server, token, bodies))
    assert len(set(ids)) == 500
    engine = make_engine(db_url)
    _wait_done(engine, ids, timeout=240)
    elapsed = time.monotonic() - started
    rows = _rows(engine, ids)
    assert len(rows) == 500, "every accepted submission is in the queue"
    assert {r[1] for r in rows} == {"OK"}
    assert {r[2] for r in rows} == {1}, "no job was claimed (judged) twice"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(jobs)).scalar_one() == 500
    headers = {"Authorization": f"Bearer {token}"}
    sample = httpx.get(f"{server.url}/v1/submissions/{ids[123]}", headers=headers).json()
    assert sample["result"]["verdict"] == "OK" and sample["result"]["tests"][1]["verdict"] == "OK"
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'cpelo_verdicts_total{verdict="OK"} 500' in metrics
    assert "cpelo_job_claims_total 500" in metrics
    print(f"\n500 submissions on {db_url.split(':')[0]}: all judged in {elapsed:.1f} s "
          f"({500 / elapsed:.1f}/s)")  # fmt: skip
    engine.dispose()


def test_a_job_whose_worker_is_killed_completes_elsewhere(db_url: str, servers: Start) -> None:
    token = new_token(db_url)
    server = servers(db_url, workers=2, lease=3.0)
    _upload(server, token, "slow", problem_files(time_limit=4.0, tests=1))
    engine = make_engine(db_url)
    [job] = asyncio.run(_post_all(server, token, [
        {"problem": "slow", "language": "cpp17", "source": SPIN_CPP.format(seconds=1.5)}]))  # fmt: skip
    owner = None
    deadline = time.monotonic() + 60
    while owner is None and time.monotonic() < deadline:
        [(_, _, _, owner)] = _rows(engine, [job])
        time.sleep(0.05)
    assert owner is not None, "no worker claimed the job"
    time.sleep(0.5)  # mid-run: compiled, spinning
    victim = int(owner.split(":")[1])
    os.kill(victim, signal.SIGKILL)
    _wait_done(engine, [job], timeout=90)
    [(_, verdict, attempts, _)] = _rows(engine, [job])
    assert (verdict, attempts) == ("OK", 2)
    engine.dispose()


def test_restarted_server_resumes_pending_jobs(db_url: str, servers: Start) -> None:
    token = new_token(db_url)
    first = servers(db_url, workers=1, lease=3.0)
    _upload(first, token, "sum", problem_files(time_limit=2.0, tests=1))
    body = {"problem": "sum", "language": "cpp17", "source": SPIN_CPP.format(seconds=0.15)}
    ids = asyncio.run(_post_all(first, token, [body] * 30))
    engine = make_engine(db_url)
    deadline = time.monotonic() + 60
    while sum(1 for r in _rows(engine, ids) if r[1]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.kill()  # API and workers die at once, one job in hand
    pending = sum(1 for r in _rows(engine, ids) if r[1] is None)
    assert pending > 0, "the crash should leave work behind"
    servers(db_url, workers=2, lease=3.0, port=first.port)
    _wait_done(engine, ids, timeout=120)
    rows = _rows(engine, ids)
    assert len(rows) == 30 and {r[1] for r in rows} == {"OK"}
    assert max(r[2] for r in rows) <= 2 and sum(r[2] for r in rows) <= 31, "only the job in hand ran twice"
    engine.dispose()


# A schema-valid package need not be a zip (OpenAPI cannot say "a zip of a problem"): its refusal is a
# 422, which positive_data_acceptance must accept for the upload operations only.
SCHEMATHESIS_TOML = """
[[operations]]
include-path-regex = "^/v1/problems"
include-method-regex = "^(POST|PUT)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


def test_schemathesis_all_checks_pass(db_url: str, tmp_path: Path, service_env: dict[str, str]) -> None:
    """F6: every check (status codes, schemas, headers, content types, Allow, auth, positive and
    negative data, stateful links) passes: generated clients can trust the OpenAPI document."""
    token = new_token(db_url)
    env = {**service_env, "CPELO_SERVICE_SYNC_WAIT_CAP_S": "2"}  # every request answers within 10 s
    server = Server(db_url, env, workers=1, log=tmp_path / "serve.log").start()
    try:
        _upload(server, token, "sum", problem_files(tests=1))
        (tmp_path / "schemathesis.toml").write_text(SCHEMATHESIS_TOML)
        run = subprocess.run(
            [str(Path(sys.executable).parent / "schemathesis"), "run", f"{server.url}/openapi.json",
             "--checks", "all", "--max-examples", "15", "--request-timeout", "20",
             "--header", f"Authorization: Bearer {token}",
             "--generation-deterministic", "--report-dir", str(tmp_path / "st"), "--no-color"],
            capture_output=True, text=True, timeout=300,
            cwd=tmp_path,  # schemathesis reads schemathesis.toml and keeps its cache (.schemathesis/) here
        )  # fmt: skip
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", run.stdout), run.stdout[-2000:]


def test_a_fork_bomb_does_not_slow_the_others_beyond_its_own_limits(sqlite_url: str, servers: Start) -> None:
    token = new_token(sqlite_url)
    server = servers(sqlite_url, workers=2)
    _upload(server, token, "sum", problem_files(time_limit=1.0, tests=2))
    headers = {"Authorization": f"Bearer {token}"}
    normal = {"problem": "sum", "language": "cpp17", "source": AB_CPP, "wait_s": 30}

    def latencies(n: int) -> list[float]:
        out = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for _ in range(n):
                start = time.monotonic()
                reply = client.post("/v1/judge", json=normal)
                out.append(time.monotonic() - start)
                assert reply.status_code == 200 and reply.json()["result"]["verdict"] == "OK", reply.text
        return out

    latencies(2)  # compile once
    quiet = latencies(15)
    bomb = {"problem": "sum", "language": "c11", "source": FORK_BOMB_C}
    [bomb_id] = asyncio.run(_post_all(server, token, [bomb]))
    time.sleep(0.3)
    loud = latencies(15)
    state = httpx.get(f"{server.url}/v1/submissions/{bomb_id}", headers=headers, timeout=30).json()
    deadline = time.monotonic() + 60
    while state["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
        state = httpx.get(f"{server.url}/v1/submissions/{bomb_id}", headers=headers, timeout=30).json()
    assert state["status"] == "done" and state["result"]["verdict"] != "OK"
    q50, l50 = statistics.median(quiet), statistics.median(loud)
    print(f"\nfork bomb ({state['result']['verdict']}): normal-job latency p50 {q50 * 1000:.0f} ms quiet, "
          f"{l50 * 1000:.0f} ms with the bomb (x{l50 / q50:.2f}); max {max(quiet) * 1000:.0f} / "
          f"{max(loud) * 1000:.0f} ms")  # fmt: skip
    # The bomb holds one worker for at most its own limits (2 x TL + 1 s wall); the other keeps judging.
    assert l50 < max(5 * q50, q50 + 1.0)
    assert max(loud) < max(quiet) + 3 * (2 * 1.0 + 1) + 2
