"""The agent inside the judge container: runs the native sandbox runner on request, one run per connection.

Copied into the image and started as the container's first process (standard library only). It listens on
a Unix socket in a directory shared with the host. A request is one length-prefixed JSON message carrying
the runner's arguments, with the run's stdin/stdout/stderr passed as file descriptors (SCM_RIGHTS), so the
host's files, pipes and memfds reach the program without copies and without a `docker exec` per run.
The reply is the runner's meta line, its stderr and its exit code: the host interprets them exactly as
the native backend does.

The first connection is the host's lifeline: when it closes (the host process ended, even by SIGKILL),
the agent exits, the container stops and Docker removes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

_HEADER = struct.Struct("!I")
_MAX_FDS = 3
_MAX_MESSAGE = 1 << 22


def recv_message(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One length-prefixed JSON message and the fds that came with its first bytes."""
    data, fds, _, _ = socket.recv_fds(conn, 65536, _MAX_FDS)
    while len(data) < _HEADER.size:
        more = conn.recv(65536)
        if not more:
            raise EOFError("connection closed inside a header")
        data += more
    (size,) = _HEADER.unpack_from(data)
    if size > _MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    body = bytearray(data[_HEADER.size :])
    while len(body) < size:
        more = conn.recv(size - len(body))
        if not more:
            raise EOFError("connection closed inside a message")
        body += more
    return json.loads(body), list(fds)


def send_message(conn: socket.socket, message: Mapping[str, Any], fds: list[int] | None = None) -> None:
    body = json.dumps(message).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(conn, [data], fds)
        data = data[sent:]
    if data:  # sendall(b"") still calls send(): EPIPE when the peer already answered and closed
        conn.sendall(data)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def run_request(
    request: dict[str, object], fds: list[int], runner: str
) -> tuple[dict[str, object], subprocess.Popen[bytes]]:
    """Runs the runner with the received fds in the slots the request names (stdin, @out, @err). Returns
    the reply as soon as the runner's meta line is complete, and the runner to wait for after replying
    (it may still be topping up its pool of network namespaces)."""
    slots = dict(zip(request["slots"], fds, strict=True))  # type: ignore[call-overload]
    meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
    try:
        # The fd slots of sandbox.runner_protocol.FdSlot (this file runs without the package).
        numbers = {"@meta": meta_w, "@out": slots.get("out", -1), "@err": slots.get("err", -1)}
        args = [runner, *(str(numbers.get(a, a)) for a in request["args"])]  # type: ignore[attr-defined]
        passed = tuple(fd for fd in (meta_w, slots.get("out"), slots.get("err")) if fd is not None)
        try:
            proc = subprocess.Popen(
                args,
                stdin=slots.get("stdin", subprocess.DEVNULL),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=passed,
                env={},
            )
        finally:
            os.close(meta_w)
            # The runner holds its own copies: ours would keep a pipe open past the program's close.
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            fds.clear()
        meta = _read_all(meta_r)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
        code = proc.poll()
        if code is None:
            code = 0 if meta.endswith(b"}\n") else proc.wait()
    finally:
        os.close(meta_r)
    reply = {"meta": meta.decode(errors="replace"), "err": err.decode(errors="replace"), "code": code}
    return reply, proc


def _serve(conn: socket.socket, runner: str, lifeline: threading.Event) -> None:
    fds: list[int] = []
    try:
        request, fds = recv_message(conn)
        op = request.get("op")
        if op == "lifeline" and not lifeline.is_set():
            lifeline.set()
            send_message(conn, {"ok": True})
            while conn.recv(4096):
                pass
            os._exit(0)  # the host is gone: stop the container (Docker then removes it)
        elif op == "ping":
            send_message(conn, {"ok": True, "pid": os.getpid()})
        elif op == "run":
            reply, proc = run_request(request, fds, runner)  # closes the run's stdio fds once started
            send_message(conn, reply)
            proc.wait()
        else:
            send_message(conn, {"error": f"unknown request {op!r}"})
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        with contextlib.suppress(OSError):
            send_message(conn, {"error": f"{type(exc).__name__}: {exc}"})
    finally:
        for fd in fds:
            os.close(fd)
        conn.close()


def main(argv: list[str]) -> None:
    path, runner = argv[1], argv[2]
    # The runner's mount points and its shared network namespace live on the container's /run tmpfs.
    for sub in ("mnt/root", "mnt/scratch"):
        os.makedirs(f"/run/cpelo/{sub}", exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(64)
    lifeline = threading.Event()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_serve, args=(conn, runner, lifeline), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv)
