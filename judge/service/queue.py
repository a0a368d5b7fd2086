"""The durable job queue, in the database: fair claims with leases, results written once, quotas.

A worker first takes back a job whose lease ran out (its worker died); otherwise it claims fairly
across tokens: the oldest queued job of the token with the fewest jobs running (ties: the token
whose oldest queued job is oldest). A token's flood of jobs thus delays another token's job by at
most the job each worker has in hand; no client can choose a priority. A worker holds its job under
a lease it renews while judging; each claim gets a new lease id, and only the holder of the current
lease can write the result, once: a late writer whose job was claimed again, or already finished,
changes nothing.

Claiming is one statement: PostgreSQL picks the row with ``FOR UPDATE SKIP LOCKED`` (concurrent
workers take different rows without waiting); SQLite runs the UPDATE under its single writer lock.
Both re-check the claim condition in the UPDATE itself, so two workers can never hold one job.

Each result also adds to running totals (verdicts, claims, latency buckets) that /metrics reads,
so a scrape never scans the jobs table; finished jobs older than the retention are deleted.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from judge.service.db import is_postgres, jobs, totals
from judge.service.errors import ServiceError
from judge.verdict import JudgeResult

QUEUED, RUNNING, DONE = "queued", "running", "done"
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class QuotaExceeded(ServiceError):
    """A token has as many unfinished jobs (or worst-case CPU seconds) queued as it may."""


@dataclass(frozen=True)
class Quota:
    max_jobs: int
    max_cpu_s: float


@dataclass(frozen=True)
class Claim:
    """A job held under a lease."""

    id: str
    lease_id: str
    problem_id: str
    language: str
    source: str
    run_all: bool
    attempts: int


def new_job_id() -> str:
    return secrets.token_hex(16)


class JobQueue:
    def __init__(self, engine: Engine, *, max_attempts: int = 3) -> None:
        self.engine = engine
        self.max_attempts = max_attempts

    def enqueue(
        self,
        *,
        problem_id: str,
        language: str,
        source: str,
        run_all: bool = False,
        token_id: int | None = None,
        cpu_s: float = 0.0,
        quota: Quota | None = None,
    ) -> str:
        """Queue a job; QuotaExceeded when the token's unfinished jobs would go over ``quota``.

        The quota is checked then the job inserted, not atomically: concurrent requests of one token
        may overshoot it by the number of API threads, which bounds the harm.
        """
        job_id = new_job_id()
        with self.engine.begin() as conn:
            if quota is not None and token_id is not None:
                count, cpu = conn.execute(
                    select(func.count(), func.coalesce(func.sum(jobs.c.cpu_s), 0.0)).where(
                        jobs.c.status.in_((QUEUED, RUNNING)), jobs.c.token_id == token_id
                    )
                ).one()
                if count + 1 > quota.max_jobs:
                    raise QuotaExceeded(f"{count} unfinished jobs, the quota is {quota.max_jobs}")
                if float(cpu) + cpu_s > quota.max_cpu_s:
                    raise QuotaExceeded(
                        f"unfinished jobs worth {float(cpu):g} CPU seconds, this one {cpu_s:g}; "
                        f"the quota is {quota.max_cpu_s:g}"
                    )
            conn.execute(
                jobs.insert().values(
                    id=job_id, problem_id=problem_id, language=language, source=source, run_all=run_all,
                    priority=0, status=QUEUED, created_at=time.time(), attempts=0, token_id=token_id,
                    cpu_s=cpu_s,
                )
            )  # fmt: skip
        return job_id

    def claim(self, worker: str, lease_s: float) -> Claim | None:
        """Take the next job under a lease of ``lease_s`` seconds, or None when there is none."""
        now = time.time()
        lost = and_(jobs.c.status == RUNNING, jobs.c.lease_expires < now)
        retry = and_(lost, jobs.c.attempts < self.max_attempts)
        with self.engine.connect() as conn:  # idle workers poll with reads, which take no write lock
            if (
                conn.execute(select(jobs.c.seq).where(or_(jobs.c.status == QUEUED, lost)).limit(1)).first()
                is None
            ):
                return None
        with self.engine.begin() as conn:
            self._give_up_lost(conn, now)
            row = conn.execute(self._take(select(jobs.c.seq).where(retry).order_by(jobs.c.seq), retry,
                                          worker, lease_s, now)).first()  # fmt: skip
            if row is None:
                queued = jobs.c.status == QUEUED
                row = conn.execute(self._take(self._fair_pick(), queued, worker, lease_s, now)).first()
            if row is not None:
                self._add(conn, {"claims": 1.0})
        if row is None:
            return None
        return Claim(row.id, row.lease_id, row.problem_id, row.language, row.source, bool(row.run_all),
                     row.attempts)  # fmt: skip

    def _fair_pick(self) -> Any:
        """The oldest queued job of the token with the fewest jobs running (ties: oldest first)."""
        token = func.coalesce(jobs.c.token_id, 0)
        waiting = (
            select(token.label("t"), func.min(jobs.c.seq).label("first"))
            .where(jobs.c.status == QUEUED)
            .group_by(token)
            .subquery()
        )
        running = (
            select(token.label("t"), func.count().label("n"))
            .where(jobs.c.status == RUNNING)
            .group_by(token)
            .subquery()
        )
        next_token = (
            select(waiting.c.t)
            .select_from(waiting.outerjoin(running, running.c.t == waiting.c.t))
            .order_by(func.coalesce(running.c.n, 0), waiting.c.first)
            .limit(1)
            .scalar_subquery()
        )
        return select(jobs.c.seq).where(jobs.c.status == QUEUED, token == next_token).order_by(jobs.c.seq)

    def _take(self, pick: Any, condition: Any, worker: str, lease_s: float, now: float) -> Any:
        """The UPDATE that leases the job ``pick`` selects, if ``condition`` still holds for it."""
        pick = pick.limit(1)
        if is_postgres(self.engine):
            pick = pick.with_for_update(skip_locked=True)
        lease_id = secrets.token_hex(16)
        return (
            update(jobs)
            .where(jobs.c.seq == pick.scalar_subquery(), condition)
            .values(
                status=RUNNING, lease_id=lease_id, lease_owner=worker[:200], lease_expires=now + lease_s,
                attempts=jobs.c.attempts + 1, started_at=func.coalesce(jobs.c.started_at, now),
            )
            .returning(jobs.c.id, jobs.c.lease_id, jobs.c.problem_id, jobs.c.language, jobs.c.source,
                       jobs.c.run_all, jobs.c.attempts)
        )  # fmt: skip

    def _add(self, conn: Connection, amounts: dict[str, float]) -> None:
        """Add to the running totals behind /metrics (an upsert per name, in the caller's transaction)."""
        dialect = postgresql if is_postgres(self.engine) else sqlite
        for name, amount in sorted(amounts.items()):  # one order: concurrent writers never deadlock
            stmt = dialect.insert(totals).values(name=name, value=amount)
            conn.execute(stmt.on_conflict_do_update(index_elements=[totals.c.name],
                                                    set_={"value": totals.c.value + amount}))  # fmt: skip

    def _result_totals(self, verdict: str, latency: float | None) -> dict[str, float]:
        amounts = {f"verdict:{verdict}": 1.0}
        if latency is not None:
            amounts["latency_count"] = 1.0
            amounts["latency_sum"] = latency
            for bound in LATENCY_BUCKETS:
                if latency <= bound:
                    amounts[f"latency_le:{bound}"] = 1.0
        return amounts

    def purge(self, older_than_s: float) -> int:
        """Delete finished jobs that finished more than ``older_than_s`` ago; how many were deleted."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(jobs).where(jobs.c.status == DONE, jobs.c.finished_at < time.time() - older_than_s)
            ).rowcount
        return int(gone)

    def renew(self, job_id: str, lease_id: str, lease_s: float) -> bool:
        """Extend the lease; False when it is no longer ours (expired and claimed again, or done)."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.lease_id == lease_id, jobs.c.status == RUNNING)
                .values(lease_expires=time.time() + lease_s)
            )
        return result.rowcount == 1

    def complete(self, job_id: str, lease_id: str, result: JudgeResult) -> bool:
        """Write the result if we still hold the lease; True when it was written (exactly once)."""
        now = time.time()
        with self.engine.begin() as conn:
            written = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.lease_id == lease_id, jobs.c.status == RUNNING)
                .values(
                    status=DONE, verdict=str(result.verdict), result_json=result.model_dump_json(),
                    finished_at=now, lease_id=None, lease_expires=None,
                )
                .returning(jobs.c.created_at)
            ).first()  # fmt: skip
            if written is not None:
                self._add(conn, self._result_totals(str(result.verdict), now - written.created_at))
        return written is not None

    def _give_up_lost(self, conn: Connection, now: float) -> None:
        """A job that lost its worker ``max_attempts`` times (it may be what kills them) is ended."""
        lost = JudgeResult.judge_error(f"the job lost its worker {self.max_attempts} times; given up")
        ended = conn.execute(
            update(jobs)
            .where(
                jobs.c.status == RUNNING,
                jobs.c.lease_expires < now,
                jobs.c.attempts >= self.max_attempts,
            )
            .values(status=DONE, verdict=str(lost.verdict), result_json=lost.model_dump_json(),
                    finished_at=now, lease_id=None, lease_expires=None)
            .returning(jobs.c.created_at)
        ).all()  # fmt: skip
        for row in ended:
            self._add(conn, self._result_totals(str(lost.verdict), now - row.created_at))

    def get(self, job_id: str) -> Any | None:
        with self.engine.connect() as conn:
            return conn.execute(select(jobs).where(jobs.c.id == job_id)).first()

    def depth(self) -> dict[str, int]:
        """Jobs queued and running (an index range each: finished jobs are not counted)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(jobs.c.status, func.count())
                .where(jobs.c.status.in_((QUEUED, RUNNING)))
                .group_by(jobs.c.status)
            ).all()
        counts = {QUEUED: 0, RUNNING: 0}
        counts.update({status: int(n) for status, n in rows})
        return counts

    def totals(self) -> dict[str, float]:
        with self.engine.connect() as conn:
            return {name: float(value) for name, value in conn.execute(select(totals.c.name, totals.c.value))}
