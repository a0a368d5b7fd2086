"""The durable job queue, in the database: claims with leases, results written once.

A worker claims the oldest queued job (highest priority first) and holds it under a lease it renews
while judging. A job whose lease ran out (its worker died) is claimable again; each claim gets a new
lease id, and only the holder of the current lease can write the result, once: a late writer whose
job was claimed again, or already finished, changes nothing.

Claiming is one statement: PostgreSQL picks the row with ``FOR UPDATE SKIP LOCKED`` (concurrent
workers take different rows without waiting); SQLite runs the UPDATE under its single writer lock.
Both re-check the claim condition in the UPDATE itself, so two workers can never hold one job.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, update

from judge.service.db import is_postgres, jobs
from judge.verdict import JudgeResult

QUEUED, RUNNING, DONE = "queued", "running", "done"


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
        priority: int = 0,
        token_id: int | None = None,
    ) -> str:
        job_id = new_job_id()
        with self.engine.begin() as conn:
            conn.execute(
                jobs.insert().values(
                    id=job_id, problem_id=problem_id, language=language, source=source, run_all=run_all,
                    priority=priority, status=QUEUED, created_at=time.time(), attempts=0, token_id=token_id,
                )
            )  # fmt: skip
        return job_id

    def claim(self, worker: str, lease_s: float) -> Claim | None:
        """Take the next job under a lease of ``lease_s`` seconds, or None when there is none."""
        now = time.time()
        claimable = or_(
            jobs.c.status == QUEUED,
            and_(
                jobs.c.status == RUNNING,
                jobs.c.lease_expires < now,
                jobs.c.attempts < self.max_attempts,
            ),
        )
        pick = select(jobs.c.seq).where(claimable).order_by(jobs.c.priority.desc(), jobs.c.seq).limit(1)
        if is_postgres(self.engine):
            pick = pick.with_for_update(skip_locked=True)
        lease_id = secrets.token_hex(16)
        stmt = (
            update(jobs)
            .where(jobs.c.seq == pick.scalar_subquery(), claimable)
            .values(
                status=RUNNING, lease_id=lease_id, lease_owner=worker[:200], lease_expires=now + lease_s,
                attempts=jobs.c.attempts + 1, started_at=func.coalesce(jobs.c.started_at, now),
            )
            .returning(jobs.c.id, jobs.c.problem_id, jobs.c.language, jobs.c.source, jobs.c.run_all,
                       jobs.c.attempts)
        )  # fmt: skip
        expired = and_(jobs.c.status == RUNNING, jobs.c.lease_expires < now)
        with self.engine.connect() as conn:  # idle workers poll with reads, which take no write lock
            if conn.execute(select(jobs.c.seq).where(or_(claimable, expired)).limit(1)).first() is None:
                return None
        with self.engine.begin() as conn:
            self._give_up_lost(conn, now)
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return Claim(row.id, lease_id, row.problem_id, row.language, row.source, bool(row.run_all),
                     row.attempts)  # fmt: skip

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
        with self.engine.begin() as conn:
            written = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.lease_id == lease_id, jobs.c.status == RUNNING)
                .values(
                    status=DONE, verdict=str(result.verdict), result_json=result.model_dump_json(),
                    finished_at=time.time(), lease_id=None, lease_expires=None,
                )
            )  # fmt: skip
        return written.rowcount == 1

    def _give_up_lost(self, conn: Connection, now: float) -> None:
        """A job that lost its worker ``max_attempts`` times (it may be what kills them) is ended."""
        lost = JudgeResult.judge_error(f"the job lost its worker {self.max_attempts} times; given up")
        conn.execute(
            update(jobs)
            .where(
                jobs.c.status == RUNNING,
                jobs.c.lease_expires < now,
                jobs.c.attempts >= self.max_attempts,
            )
            .values(status=DONE, verdict=str(lost.verdict), result_json=lost.model_dump_json(),
                    finished_at=now, lease_id=None, lease_expires=None)
        )  # fmt: skip

    def get(self, job_id: str) -> Any | None:
        with self.engine.connect() as conn:
            return conn.execute(select(jobs).where(jobs.c.id == job_id)).first()

    def depth(self) -> dict[str, int]:
        """Number of jobs in each state."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status)).all()
        counts = {QUEUED: 0, RUNNING: 0, DONE: 0}
        counts.update({status: int(n) for status, n in rows})
        return counts
