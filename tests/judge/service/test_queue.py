"""The queue's contract, on SQLite and PostgreSQL: a lease holds a job, an expired lease frees it,
a result is written once and only by the current lease holder."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import select

from judge.service.db import jobs, make_engine, migrate
from judge.service.queue import DONE, JobQueue
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


def test_priority_then_age_orders_the_queue(db_url: str) -> None:
    q = _queue(db_url)
    old = q.enqueue(problem_id="p", language="cpp17", source="1")
    new = q.enqueue(problem_id="p", language="cpp17", source="2")
    urgent = q.enqueue(problem_id="p", language="cpp17", source="3", priority=1)
    claimed = [q.claim("w", 60) for _ in range(3)]
    assert [c.id for c in claimed if c] == [urgent, old, new]


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
