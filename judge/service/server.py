"""``cpelo serve``: the API (uvicorn) and N local worker processes, restarted if they die."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import threading
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from judge.service.app import create_app
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, migrate
from judge.service.packages import PackageLoader
from judge.service.worker import run_worker

MAX_HEAD_BYTES = 16 * 1024  # request line and headers


def h11_with_head_timeout(head_timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, plus a deadline on each request's head: a connection that has not
    delivered a request line and headers within ``head_timeout_s`` of opening (or of the previous
    response) is closed. uvicorn's keep-alive timer alone restarts on every byte received, so a
    client trickling a head one byte at a time would hold its connection forever."""

    class H11HeadTimeout(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_deadline(self.cycle)

        def on_response_complete(self) -> None:
            # Taken before super(): it may already parse the next buffered request into a new cycle,
            # and a deadline armed on that one would cut a request that is merely slow to answer.
            finished = self.cycle
            super().on_response_complete()
            self._arm_head_deadline(finished)

        def _arm_head_deadline(self, waiting_after: object) -> None:
            """Close the connection unless a new request's head (a new cycle) has come in time."""

            def expire() -> None:
                if self.cycle is waiting_after and not self.transport.is_closing():
                    self.transport.close()

            self.loop.call_later(head_timeout_s, expire)

        def timeout_keep_alive_handler(self) -> None:
            # On a stalled loop (a busy host) the idle timer can run before the read callback of a
            # request already in the socket: closing then loses a request the client has sent.
            if not _bytes_waiting(self.transport):
                super().timeout_keep_alive_handler()

    return H11HeadTimeout


def _bytes_waiting(transport: asyncio.BaseTransport) -> bool:
    """Whether the connection's socket holds bytes not yet read (peeked through a duplicate fd)."""
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    try:
        with socket.fromfd(sock.fileno(), sock.family, sock.type) as peek:
            return bool(peek.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except OSError:  # nothing waiting (EAGAIN), or the peer is gone
        return False


class WorkerPool:
    """Local worker processes (spawned: no state shared with the API process), kept at ``size``."""

    def __init__(self, config: ServiceConfig, size: int) -> None:
        self.config = config
        self.size = size
        self._context = multiprocessing.get_context("spawn")
        self._procs: list[BaseProcess] = []
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._supervise, name="cpelo-worker-pool", daemon=True)

    def start(self) -> None:
        self._procs = [self._spawn() for _ in range(self.size)]
        self._watch.start()

    def _spawn(self) -> BaseProcess:
        proc = self._context.Process(target=run_worker, args=(self.config, os.getpid()), daemon=False)
        proc.start()
        return proc

    def _supervise(self) -> None:
        while not self._stop.wait(1.0):
            for i, proc in enumerate(self._procs):
                if not proc.is_alive() and not self._stop.is_set():
                    proc.join()
                    self._procs[i] = self._spawn()  # its job, if any, is claimed again after the lease

    def stop(self, grace_s: float = 10.0) -> None:
        self._stop.set()
        if self._watch.is_alive():
            self._watch.join()
        for proc in self._procs:
            proc.terminate()  # SIGTERM: finish the job in hand, then exit
        for proc in self._procs:
            proc.join(grace_s)
            if proc.is_alive():
                proc.kill()
                proc.join()


def serve(
    config: ServiceConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    loader: PackageLoader | None = None,
) -> None:
    """Migrate the database, start the workers, serve the API until interrupted, stop the workers."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = make_engine(config.db)
    migrate(engine)
    app = create_app(config, engine=engine, loader=loader, migrate_db=False)
    pool = WorkerPool(config, workers)
    pool.start()
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it to the handler it found: make that
    # one harmless, so the workers are stopped below rather than orphaned.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        # h11 (not httptools) for its limit on a request's size and our deadline on its arrival; idle
        # keep-alive connections are closed after keep_alive_s; over max_connections a request is
        # answered 503 at once; a stalled body is BodyLimit's (408). Our access log replaces uvicorn's.
        uvicorn.run(
            app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5,
            http=h11_with_head_timeout(config.head_timeout_s),
            h11_max_incomplete_event_size=MAX_HEAD_BYTES, limit_concurrency=config.max_connections,
            timeout_keep_alive=max(1, round(config.keep_alive_s)), access_log=False,
        )  # fmt: skip
    finally:
        pool.stop()
        engine.dispose()
