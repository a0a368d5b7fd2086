"""The queue's contract, on SQLite and PostgreSQL: a lease holds a job, an expired lease frees it,
a result is written once and only by the current lease holder."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from judge.service.db import jobs, make_engine, migrate
from judge.service.queue import DONE, JobQueue, Quota, QuotaExceeded
from judge.verdict import JudgeResult, Verdict


def _result(verdict: Verdict = Verdict.OK) -> JudgeResult:
    return JudgeResult(
        verdict=verdict, failed_test=None, time_s=0.0, memory_bytes=0, language="cpp17", tests=[]
    )


def _row(q: JobQueue, job: str) -> Any:
    row = q.get(job)
    assert row is not None
    return row


def _queue(db_url: str, max_attempts: int = 3) -> JobQueue:
    engine = make_engine(db_url)
    migrate(engine)
    return JobQueue(engine, max_attempts=max_attempts)


def test_a_claimed_job_is_not_claimed_again_while_its_lease_runs(db_url: str) -> None:
    q = _queue(db_url)
    job = q.enqueue(problem_id="p", language="cpp17", source="x")
    first = q.claim("a", lease_s=60)
    assert first is not None and first.id == job and first.attempts == 1
    assert q.claim("b", lease_s=60) is None
    assert q.renew(job, first.lease_id, 60)
    assert q.complete(job, first.lease_id, _result())
    assert _row(q, job).status == DONE


def test_expired_lease_is_claimed_again_and_the_late_writer_cannot_overwrite(db_url: str) -> None:
    q = _queue(db_url)
    job = q.enqueue(problem_id="p", language="cpp17", source="x")
    lost = q.claim("dead-worker", lease_s=0.05)
    assert lost is not None
    time.sleep(0.1)
    second = q.claim("live-worker", lease_s=60)
    assert second is not None and second.id == job and second.attempts == 2
    assert not q.renew(job, lost.lease_id, 60), "the old lease holder must learn it lost the job"
    assert not q.complete(job, lost.lease_id, _result(Verdict.WRONG_ANSWER)), "late writer while re-claimed"
    assert q.complete(job, second.lease_id, _result(Verdict.OK))
    assert not q.complete(job, lost.lease_id, _result(Verdict.WRONG_ANSWER)), "late writer after the result"
    assert not q.complete(job, second.lease_id, _result(Verdict.WRONG_ANSWER)), "a result is written once"
    row = _row(q, job)
    assert (row.status, row.verdict, row.attempts) == (DONE, "OK", 2)


def test_a_job_that_keeps_losing_its_worker_is_given_up(db_url: str) -> None:
    q = _queue(db_url, max_attempts=2)
    job = q.enqueue(problem_id="p", language="cpp17", source="x")
    for _ in range(2):
        assert q.claim("w", lease_s=0.01) is not None
        time.sleep(0.05)
    assert q.claim("w", lease_s=60) is None
    row = _row(q, job)
    assert (row.status, row.verdict) == (DONE, "JUDGE_ERROR")
    assert "lost its worker 2 times" in row.result_json


def test_claims_go_round_robin_across_tokens_by_jobs_running(db_url: str) -> None:
    q = _queue(db_url)
    owner = {}
    for token, n in ((1, 5), (2, 2), (3, 1)):  # token 1 floods first
        for i in range(n):
            owner[q.enqueue(problem_id="p", language="cpp17", source=f"{token}.{i}", token_id=token)] = token
    order = []
    while (claim := q.claim("w", 60)) is not None:  # none completes: running counts grow
        order.append(owner[claim.id])
    assert order == [1, 2, 3, 1, 2, 1, 1, 1]


def test_a_finished_job_gives_its_token_the_next_turn(db_url: str) -> None:
    q = _queue(db_url)
    flood = [q.enqueue(problem_id="p", language="cpp17", source=str(i), token_id=1) for i in range(20)]
    first = q.claim("w1", 60)
    second = q.claim("w2", 60)
    assert first is not None and second is not None and {first.id, second.id} == set(flood[:2])
    late = q.enqueue(problem_id="p", language="cpp17", source="late", token_id=2)
    assert q.complete(first.id, first.lease_id, _result())
    nxt = q.claim("w1", 60)
    assert nxt is not None and nxt.id == late, "token 2's job is next, not token 1's third"


def test_quotas_on_unfinished_jobs_and_cpu_seconds(db_url: str) -> None:
    q = _queue(db_url)
    quota = Quota(max_jobs=3, max_cpu_s=10.0)
    for _ in range(3):
        q.enqueue(problem_id="p", language="cpp17", source="x", token_id=1, cpu_s=2.0, quota=quota)
    with pytest.raises(QuotaExceeded, match="3 unfinished jobs, the quota is 3"):
        q.enqueue(problem_id="p", language="cpp17", source="x", token_id=1, cpu_s=2.0, quota=quota)
    q.enqueue(problem_id="p", language="cpp17", source="x", token_id=2, cpu_s=8.0, quota=quota)
    with pytest.raises(QuotaExceeded, match="worth 8 CPU seconds, this one 4"):
        q.enqueue(problem_id="p", language="cpp17", source="x", token_id=2, cpu_s=4.0, quota=quota)
    claim = q.claim("w", 60)
    assert claim is not None and q.complete(claim.id, claim.lease_id, _result())
    q.enqueue(problem_id="p", language="cpp17", source="x", token_id=1, cpu_s=2.0, quota=quota)


def test_totals_and_retention(db_url: str) -> None:
    q = _queue(db_url)
    jobs_ = [q.enqueue(problem_id="p", language="cpp17", source=str(i)) for i in range(3)]
    for verdict in (Verdict.OK, Verdict.WRONG_ANSWER):
        claim = q.claim("w", 60)
        assert claim is not None and q.complete(claim.id, claim.lease_id, _result(verdict))
    sums = q.totals()
    assert (sums["verdict:OK"], sums["verdict:WRONG_ANSWER"], sums["claims"]) == (1, 1, 2)
    assert sums["latency_count"] == 2 and sums["latency_le:300.0"] == 2
    assert q.depth() == {"queued": 1, "running": 0}
    assert q.purge(3600) == 0
    time.sleep(0.05)
    assert q.purge(0.01) == 2, "the two finished jobs go; the queued one stays"
    assert q.get(jobs_[2]) is not None and q.totals() == sums, "totals outlive the rows"


def test_concurrent_claimers_take_every_job_exactly_once(db_url: str) -> None:
    q = _queue(db_url)
    ids = {q.enqueue(problem_id="p", language="cpp17", source=str(i)) for i in range(120)}
    taken: Counter[str] = Counter()
    lock = threading.Lock()

    def drain(name: str) -> None:
        while (claim := q.claim(name, lease_s=60)) is not None:
            assert q.complete(claim.id, claim.lease_id, _result())
            with lock:
                taken[claim.id] += 1

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(taken) == ids and set(taken.values()) == {1}
    with q.engine.connect() as conn:
        assert {r.attempts for r in conn.execute(select(jobs.c.attempts))} == {1}


def test_a_database_of_the_first_schema_is_upgraded_with_its_tokens_and_jobs(db_url: str) -> None:
    """Revision 0002 (scopes, expiry, job cost, totals) on a database made by the previous version."""
    from alembic import command
    from sqlalchemy import text

    from judge.service.auth import hash_token, lookup
    from judge.service.db import _alembic_config, schema_revision

    engine = make_engine(db_url)
    cfg = _alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tokens (name, token_hash, rate_per_minute, created_at, revoked) "
                          "VALUES ('old', :h, 60, 0, false)"), {"h": hash_token("cpelo_old")})  # fmt: skip
        conn.execute(text("INSERT INTO jobs (id, problem_id, language, source, run_all, priority, status, "
                          "created_at, attempts, token_id) VALUES ('j1', 'p', 'cpp17', 'x', false, 0, "
                          "'queued', 0, 0, 1)"))  # fmt: skip
    migrate(engine)
    assert schema_revision(engine)[0] == schema_revision(engine)[1]
    token = lookup(engine, "cpelo_old")
    assert token is not None and token.scopes == {"submit", "upload"} and not token.admin
    q = JobQueue(engine)
    claim = q.claim("w", 60)
    assert claim is not None and claim.id == "j1" and q.complete(claim.id, claim.lease_id, _result())
    assert q.totals()["verdict:OK"] == 1
    engine.dispose()
