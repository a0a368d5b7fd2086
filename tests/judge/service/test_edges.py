"""Issue 18 against a live `cpelo serve` (uvicorn, h11) on loopback: authentication before the body
(an anonymous 30 MiB upload is never read: the API's memory stays put), 413 for an oversized body
sent chunked, 408 for a stalled body, and fair queueing across tokens with real workers."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx
import pytest

from judge.service.db import jobs, make_engine
from sandbox import MiB
from tests.judge.service.fixtures import AB_CPP, SPIN_CPP, Server, new_token, problem_files, zip_bytes

Start = Callable[..., Server]


def _raw_post(port: int, head: bytes, body: Iterable[bytes]) -> tuple[int, bytes]:
    """Send ``head`` then the body pieces while reading the answer in parallel (the server may answer
    and close before the body is sent); the status and body of the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    received = bytearray()

    def read() -> None:
        try:
            while chunk := sock.recv(65536):
                received.extend(chunk)
        except OSError:
            pass

    reader = threading.Thread(target=read)
    reader.start()
    try:
        sock.sendall(head)
        for piece in body:
            sock.sendall(piece)
    except OSError:
        pass  # the server answered and closed: the rest is not read, as it should be
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
    reader.join(30)
    sock.close()
    status_line = bytes(received).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 "), bytes(received[:200])
    return int(status_line.split()[1]), bytes(received).split(b"\r\n\r\n", 1)[-1]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_anonymous_uploads_are_refused_unread_and_chunked_giants_get_413(db_url: str, servers: Start) -> None:
    token = new_token(db_url)
    server = servers(db_url, workers=0)
    assert server.proc is not None
    piece = b"\0" * MiB
    size = 30 * MiB
    head = (f"POST /v1/problems HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()  # fmt: skip
    _raw_post(server.port, head, [piece])  # warm up
    before = _rss_kib(server.proc.pid)
    started = time.monotonic()
    for _ in range(8):
        status, body = _raw_post(server.port, head, (piece for _ in range(30)))
        assert status == 401 and b"bearer token" in body
    after = _rss_kib(server.proc.pid)
    print(f"\n8 anonymous 30 MiB posts: API RSS {before // 1024} -> {after // 1024} MiB, "
          f"{time.monotonic() - started:.2f} s")  # fmt: skip
    assert after - before < 20 * 1024, (before, after)
    chunked = (f"POST /v1/problems HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
               "Content-Type: multipart/form-data; boundary=b\r\n"
               "Transfer-Encoding: chunked\r\n\r\n").encode()  # fmt: skip
    part = b'--b\r\nContent-Disposition: form-data; name="package"; filename="p.zip"\r\n\r\n'
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    opening = f"{len(part):x}\r\n".encode() + part + b"\r\n"
    status, body = _raw_post(server.port, chunked, [opening, *(frame for _ in range(40))])
    assert status == 413 and b"over the limit" in body, body[:300]
    small = (f"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()  # fmt: skip
    status, body = _raw_post(server.port, small, (frame for _ in range(2)))
    assert status == 413, body[:300]
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_stalled_bodies_get_408_and_trickled_heads_are_cut(
    sqlite_url: str, tmp_path: Path, service_env: dict[str, str]
) -> None:
    token = new_token(sqlite_url)
    env = {**service_env, "CPELO_SERVICE_BODY_READ_TIMEOUT_S": "0.5", "CPELO_SERVICE_HEAD_TIMEOUT_S": "1"}
    server = Server(sqlite_url, env, workers=0, log=tmp_path / "serve.log").start()
    try:
        head = (f"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n").encode()  # fmt: skip

        def stall() -> Iterable[bytes]:
            yield b'{"problem": '
            time.sleep(2)

        started = time.monotonic()
        status, body = _raw_post(server.port, head, stall())
        assert status == 408 and b"nothing received" in body
        assert time.monotonic() - started < 5
        # A head sent a byte every 0.2 s (each byte would restart a keep-alive timer) is cut after 1 s.
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        started = time.monotonic()
        closed_after = None
        for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - started
                break
            time.sleep(0.2)
            if time.monotonic() - started > 8:
                break
        if closed_after is None:
            sock.settimeout(3)
            try:
                data = sock.recv(100)
            except OSError:
                data = b""
            closed_after = time.monotonic() - started if data == b"" else None
        sock.close()
        assert closed_after is not None and closed_after < 4, closed_after
        assert httpx.get(f"{server.url}/healthz").status_code == 200, "whole requests still pass"
    finally:
        server.stop()


@pytest.mark.root  # judges in the native sandbox
def test_a_flood_of_one_token_delays_another_by_at_most_one_job_per_worker(
    db_url: str, servers: Start
) -> None:
    flooder, other = new_token(db_url), new_token(db_url)
    server = servers(db_url, workers=2)
    auth_a, auth_b = {"Authorization": f"Bearer {flooder}"}, {"Authorization": f"Bearer {other}"}
    package = {"package": ("p.zip", zip_bytes(problem_files(time_limit=3.0, tests=1)))}
    reply = httpx.post(
        f"{server.url}/v1/problems", headers=auth_a, data={"id": "sum"}, files=package, timeout=60
    )
    assert reply.status_code == 201, reply.text
    with httpx.Client(base_url=server.url, timeout=120) as client:
        warm = {"problem": "sum", "language": "cpp17", "wait_s": 60}
        for auth, source in ((auth_a, SPIN_CPP.format(seconds=0.6)), (auth_b, AB_CPP)):  # compile both once
            assert client.post("/v1/judge", headers=auth, json={**warm, "source": source}).status_code == 200
        slow = {"problem": "sum", "language": "cpp17", "source": SPIN_CPP.format(seconds=0.6)}
        flood = [client.post("/v1/submissions", headers=auth_a, json=slow).json()["id"] for _ in range(20)]
        time.sleep(0.5)  # both workers are busy with the flood
        # A tiny wait_s asks for nothing special: the job is queued like any other, fairly.
        reply = client.post("/v1/judge", headers=auth_b, json={**warm, "source": AB_CPP, "wait_s": 0.01})
        assert reply.status_code == 202
        mine = reply.json()["id"]
        deadline = time.monotonic() + 120
        while client.get(f"/v1/submissions/{mine}", headers=auth_b).json()["status"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(jobs.select().where(jobs.c.id.in_([*flood, mine])))}
    engine.dispose()
    waited = rows[mine].started_at - rows[mine].created_at
    durations = [r.finished_at - r.started_at for r in rows.values() if r.id != mine and r.finished_at]
    me = rows[mine]
    jumped = sum(1 for r in rows.values() if r.id != mine and r.started_at
                 and me.created_at < r.started_at < me.started_at)  # fmt: skip
    print(f"\nflood of 20 x 0.6 CPU s: the other token's job waited {waited:.2f} s; flood jobs took "
          f"{min(durations):.2f}-{max(durations):.2f} s; {jumped} flood jobs started meanwhile")  # fmt: skip
    assert jumped == 0, "the next free worker takes the other token's job"
    assert waited <= max(durations) + 1.0
