"""A worker: claims jobs from the queue, judges them, writes each result once.

While judging, a heartbeat thread renews the lease every third of its length; if the worker dies
(kill -9, machine lost) the renewals stop, the lease runs out and another worker claims the job.
A worker started by ``cpelo serve`` exits when that parent does.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
import traceback
from types import FrameType

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from judge.errors import JudgeError
from judge.executors import Executor, make_executor
from judge.judge import Judge
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, require_schema
from judge.service.problems import ProblemStore
from judge.service.queue import Claim, JobQueue
from judge.verdict import JudgeResult

PURGE_EVERY_S = 600.0

log = logging.getLogger("cpelo.service.worker")


def worker_name() -> str:
    """host:pid:random, stored as the lease owner (operators can tell which process holds a job)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        config: ServiceConfig,
        engine: Engine,
        judge: Judge | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.config = config
        self.executor = executor  # None: judge here, in this process (see judge.executors for Ray)
        self.queue = JobQueue(engine, max_attempts=config.max_attempts)
        self.store = ProblemStore(engine, config)
        self.judge = judge or Judge(config.judge)
        self.name = worker_name()

    def run(self, stop: threading.Event, *, parent_pid: int | None = None) -> int:
        """Judge jobs until ``stop`` is set (or the parent process is gone); returns the jobs judged."""
        judged = 0
        pause = self.config.poll_s
        next_purge = time.monotonic()
        while not stop.is_set():
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_EVERY_S
                self.purge()
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("worker %s: parent %d is gone, exiting", self.name, parent_pid)
                break
            try:
                claim = self.queue.claim(self.name, self.config.lease_s)
            except OperationalError as exc:  # database restarting or locked for long: keep trying
                log.warning("worker %s: cannot claim (%s)", self.name, exc.orig)
                stop.wait(self.config.idle_poll_s)
                continue
            if claim is None:
                stop.wait(pause)
                pause = min(self.config.idle_poll_s, pause * 1.5)
                continue
            pause = self.config.poll_s
            self.process(claim)
            judged += 1
        return judged

    def purge(self) -> int:
        """Apply the retention: delete finished jobs older than ``retention_days`` (every worker does
        it now and then; deleting what another worker deleted already is harmless)."""
        if self.config.retention_days is None:
            return 0
        try:
            gone = self.queue.purge(self.config.retention_days * 86400)
        except OperationalError as exc:
            log.warning("worker %s: cannot apply the retention (%s)", self.name, exc.orig)
            return 0
        if gone:
            log.info("worker %s: deleted %d jobs finished over %g days ago", self.name, gone,
                     self.config.retention_days)  # fmt: skip
        return gone

    def process(self, claim: Claim) -> bool:
        """Judge one claimed job under a renewed lease; True when our result was the one written."""
        done = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(claim, done), daemon=True)
        heartbeat.start()
        try:
            result = self._judge(claim)
        finally:
            done.set()
            heartbeat.join()
        for delay in (0.0, 0.5, 2.0, 5.0):  # the result is worth a few retries on a busy database
            if delay:
                threading.Event().wait(delay)
            try:
                written = self.queue.complete(claim.id, claim.lease_id, result)
            except OperationalError as exc:
                log.warning("worker %s: cannot write job %s (%s)", self.name, claim.id, exc.orig)
                continue
            if not written:
                log.warning("worker %s: job %s was taken over; result dropped", self.name, claim.id)
            return written
        return False

    def _judge(self, claim: Claim) -> JudgeResult:
        try:
            task = self.store.task(claim.problem_id)
            if self.executor is not None:
                return self.executor.judge(task, claim.source, claim.language, run_all=claim.run_all)
            return self.judge.judge(task, claim.source, claim.language, run_all=claim.run_all)
        except JudgeError as exc:
            return JudgeResult.judge_error(str(exc), claim.language)
        except Exception as exc:  # a bug must not take the worker down with every job it would judge
            log.error("worker %s: job %s: %s", self.name, claim.id, traceback.format_exc())
            return JudgeResult.judge_error(f"internal error: {type(exc).__name__}: {exc}", claim.language)

    def _heartbeat(self, claim: Claim, done: threading.Event) -> None:
        interval = self.config.lease_s / 3
        while not done.wait(interval):
            try:
                if not self.queue.renew(claim.id, claim.lease_id, self.config.lease_s):
                    log.warning("worker %s: lease of job %s lost", self.name, claim.id)
                    return
            except OperationalError as exc:
                log.warning("worker %s: cannot renew job %s (%s)", self.name, claim.id, exc.orig)


def run_worker(config: ServiceConfig, parent_pid: int | None = None) -> int:
    """A worker process's main: judge until SIGTERM/SIGINT (finishing the job in hand)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    engine = make_engine(config.db)
    require_schema(engine)
    executor = (
        None
        if config.executor == "local"
        else make_executor(config.executor, ray_address=config.ray_address, config=config.judge)
    )
    worker = Worker(config, engine, executor=executor)
    log.info("worker %s: started on %s", worker.name, engine.dialect.name)
    try:
        return worker.run(stop, parent_pid=parent_pid)
    finally:
        engine.dispose()
        if executor is not None:
            executor.close()
