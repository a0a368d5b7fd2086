"""Reaching the Ray cluster: connect (keeping the caller's SIGTERM handler), and probe an address first."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from typing import Any

from judge.executors.executor import ExecutorError


def connect(ray: Any, address: str | None) -> bool:
    """Connect to the cluster at ``address`` (None: RAY_ADDRESS, or the one `ray start` made on this
    machine, or else a throwaway local instance); True when this call made the connection."""
    if address is not None:
        probe(address)
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    # ray.init makes SIGTERM exit the process at once; a caller that handles SIGTERM itself (a service
    # worker finishes the job in hand first) keeps its handler.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main else None
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = address or os.environ.get("RAY_ADDRESS") or "a local instance"
        raise ExecutorError(f"executor ray: cannot connect to the Ray cluster at {where}: {exc}") from exc
    finally:
        if callable(previous):
            signal.signal(signal.SIGTERM, previous)
    return True


def probe(address: str, timeout_s: float = 5.0) -> None:
    """Fail at once, naming the address, when nothing listens there (ray.init would retry for minutes)."""
    if "://" in address or address in ("auto", "local"):
        return  # Ray Client URLs and Ray's own keywords: left to Ray
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ExecutorError(
            f"--ray-address {address}: not HOST:PORT (the head node's GCS port, 6379 by default)"
        )
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ExecutorError(
            f"--ray-address {address}: no Ray cluster answers there ({reason}); start one with "
            "`ray start --head` or give the head node's HOST:PORT"
        ) from exc
