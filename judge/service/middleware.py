"""ASGI middleware of the API, outermost first: the access log (request ids, response counts for
/metrics), authentication, and the request-body limits.

Authentication is middleware, not only a route dependency, because FastAPI reads and parses a body
before it solves a route's dependencies: a dependency alone would let an anonymous client make the
API buffer (and spool) a 30 MiB upload before being told 401. Here the token is checked on the
headers, and an unauthenticated body is never read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from judge.service.auth import RateLimiter, Token, lookup
from judge.service.config import ServiceConfig
from judge.service.metrics import RequestCounter

access_log = logging.getLogger("judge.service.access")
_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")
PUBLIC_PREFIXES = ("/healthz", "/metrics", "/docs", "/redoc", "/openapi.json")


async def _reply(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One log line per request (method, path, status, time, token, request id); the request id
    (the client's X-Request-ID when it is a plain token, else a new one) is echoed in the response."""

    def __init__(self, app: ASGIApp, counter: RequestCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"")
        request_id = given.decode() if _REQUEST_ID.match(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.monotonic()

        async def tagged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}  # fmt: skip
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        finally:
            route = scope.get("route")
            self.counter.add(scope["method"], getattr(route, "path", "unmatched"), status)
            token = scope["state"].get("token")
            access_log.info(
                "%s %s %s %d %.1fms token=%s id=%s", scope.get("client", ("-",))[0], scope["method"],
                scope["path"][:200], status, (time.monotonic() - started) * 1000,
                token.name if isinstance(token, Token) else "-", request_id,
            )  # fmt: skip


class Authenticate:
    """Checks the bearer token (and its rate limit) of every /v1/ request on its headers alone."""

    def __init__(self, app: ASGIApp, engine: Engine, limiter: RateLimiter) -> None:
        self.app = app
        self.engine = engine
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        challenge = {"WWW-Authenticate": "Bearer"}
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            await _reply(send, 401, "missing bearer token: send 'Authorization: Bearer <token>'", challenge)
            return
        try:
            token = await run_in_threadpool(lookup, self.engine, credentials.strip())
        except OperationalError:
            await _reply(send, 503, "database unavailable, retry", {"Retry-After": "1"})
            return
        if token is None:
            await _reply(send, 401, "unknown, revoked or expired token", challenge)
            return
        wait = self.limiter.allow(token)
        if wait > 0:
            await _reply(
                send, 429,
                f"rate limit of {token.rate_per_minute} requests per minute reached for token {token.name!r}",
                {"Retry-After": str(max(1, round(wait)))},
            )  # fmt: skip
            return
        scope.setdefault("state", {})["token"] = token
        await self.app(scope, receive, send)


class _BodyRefused(Exception):
    pass


class BodyLimit:
    """413 for a body over its route's limit (declared or streamed: chunked bodies are counted as they
    arrive); 408 when the client stalls longer than ``body_read_timeout_s`` between two pieces.

    FastAPI turns any exception raised while it reads a body into a 400; so once a body is refused,
    whatever the app answers is dropped and our own 413/408 is sent instead.
    """

    def __init__(self, app: ASGIApp, config: ServiceConfig) -> None:
        self.app = app
        self.config = config

    def limit(self, scope: Scope) -> int:
        upload = scope["method"] in ("POST", "PUT") and scope["path"].startswith("/v1/problems")
        return self.config.max_upload_request_bytes if upload else self.config.max_json_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        too_large = f"request body over the limit of {limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _reply(send, 413, too_large, {"Connection": "close"})
            return
        seen = 0
        body_done = False
        refused: tuple[int, str] | None = None
        started = False

        async def counted_receive() -> Message:
            nonlocal seen, body_done, refused
            if body_done:  # after the body, receive() waits for a disconnect: no timeout
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.config.body_read_timeout_s)
            except TimeoutError:
                refused = (408, f"request body: nothing received for {self.config.body_read_timeout_s:g} s")
                raise _BodyRefused from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if seen > limit:
                    refused = (413, too_large)
                    raise _BodyRefused
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if refused is None:
                raise
        if refused is not None and not started:
            await _reply(send, refused[0], refused[1], {"Connection": "close"})
