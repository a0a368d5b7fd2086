"""The HTTP API (FastAPI): routes over the queue, the problem store, tokens and metrics.

Every malformed request ends in a 4xx naming the field at fault: bodies are pydantic models (422),
sizes are checked before the body is read in full (413), unknown things are 404, a duplicate problem
is 409, a missing or unknown token 401, an exhausted rate limit 429 with Retry-After.
"""

import asyncio
import json
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Path, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from judge.errors import JudgeError
from judge.languages import get_language
from judge.service import metrics
from judge.service.auth import RateLimiter, Token, lookup
from judge.service.db import make_engine, migrate
from judge.service.errors import PackageRejected
from judge.service.models import (
    JOB_ID,
    PROBLEM_ID,
    ErrorBody,
    Health,
    JudgeRequest,
    ProblemList,
    SubmissionCreated,
    SubmissionRequest,
    SubmissionStatus,
)
from judge.service.problems import PackageLoader, ProblemExists, ProblemInfo, ProblemStore, UnknownProblem
from judge.service.queue import DONE, JobQueue
from judge.service.settings import ServiceSettings
from judge.verdict import JudgeResult

_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 404, 413, 422, 429)}


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with 413, before or while it is read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body over the limit of {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


class CountResponses:
    """Counts responses by method, route template and status for /metrics."""

    def __init__(self, app: ASGIApp, counter: metrics.RequestCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def tracked_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            route = scope.get("route")
            self.counter.add(scope["method"], getattr(route, "path", "unmatched"), status)


def _validation_body(exc: RequestValidationError) -> bytes:
    """422 body: each error's location, message and context, without echoing the input back (it may
    be a large source, or text that is not valid UTF-8); ASCII-escaped, so any text is encodable."""
    errors = [
        {
            "loc": list(error.get("loc", ())),
            "msg": error.get("msg", ""),
            "type": error.get("type", ""),
            **({"ctx": {k: str(v) for k, v in error["ctx"].items()}} if error.get("ctx") else {}),
        }
        for error in exc.errors()
    ]
    return json.dumps({"detail": errors}, ensure_ascii=True).encode()


def _status(row: Any) -> SubmissionStatus:
    result = JudgeResult.model_validate_json(row.result_json) if row.result_json else None
    return SubmissionStatus(
        id=row.id, status=row.status, problem=row.problem_id, language=row.language,
        created_at=row.created_at, finished_at=row.finished_at, attempts=row.attempts, result=result,
    )  # fmt: skip


def create_app(
    settings: ServiceSettings | None = None,
    *,
    engine: Engine | None = None,
    loader: PackageLoader | None = None,
    migrate_db: bool = True,
) -> FastAPI:
    """The API over ``settings.db`` (migrated first unless ``migrate_db`` is False).

    ``loader`` turns an unpacked package directory into a JudgeTask; the CLI passes one that reads
    native problem dirs and Kattis packages (see ``problems``).
    """
    settings = settings or ServiceSettings()
    engine = engine or make_engine(settings.db)
    if migrate_db:
        migrate(engine)
    queue = JobQueue(engine, max_attempts=settings.max_attempts)
    store = ProblemStore(engine, settings, loader)
    limiter = RateLimiter()
    counter = metrics.RequestCounter()
    bearer = HTTPBearer(auto_error=False, description="a token from `cpelo serve token create`")

    app = FastAPI(
        title="cpelo judge service",
        version="1",
        description="Codeforces verdicts over HTTP: a durable queue, local and remote workers.",
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(CountResponses, counter=counter)
    app.state.engine = engine
    app.state.queue = queue
    app.state.store = store

    def authenticate(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Token:
        challenge = {"WWW-Authenticate": "Bearer"}
        if creds is None:
            raise HTTPException(401, "missing bearer token: send 'Authorization: Bearer <token>'", challenge)
        token = lookup(engine, creds.credentials)
        if token is None:
            raise HTTPException(401, "unknown or revoked token", challenge)
        wait = limiter.allow(token)
        if wait > 0:
            raise HTTPException(
                429,
                f"rate limit of {token.rate_per_minute} requests per minute reached for token {token.name!r}",
                {"Retry-After": str(max(1, round(wait)))},
            )
        return token

    Auth = Annotated[Token, Depends(authenticate)]

    def check_submission(body: SubmissionRequest) -> None:
        size = len(body.source.encode("utf-8"))
        if size > settings.max_source_bytes:
            raise HTTPException(413, f"source: {size} bytes, over the limit of {settings.max_source_bytes}")
        try:
            get_language(body.language)
        except JudgeError as exc:
            raise HTTPException(422, f"language: {exc}") from exc
        if not store.exists(body.problem):
            raise HTTPException(404, f"problem {body.problem!r}: not found (upload it: POST /v1/problems)")

    def enqueue(body: SubmissionRequest, token: Token, priority: int) -> str:
        check_submission(body)
        return queue.enqueue(
            problem_id=body.problem, language=body.language, source=body.source, run_all=body.run_all,
            priority=priority, token_id=token.id,
        )  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
        return Response(_validation_body(exc), 422, media_type="application/json")

    @app.exception_handler(OperationalError)
    async def database_unavailable(_request: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse({"detail": "database unavailable, retry"}, 503, {"Retry-After": "1"})

    @app.post("/v1/submissions", status_code=201, response_model=SubmissionCreated, responses=_ERRORS)
    def submit(body: SubmissionRequest, token: Auth, response: Response) -> SubmissionCreated:
        """Queue a submission; poll GET /v1/submissions/{id} for its result."""
        job_id = enqueue(body, token, priority=0)
        url = f"/v1/submissions/{job_id}"
        response.headers["Location"] = url
        return SubmissionCreated(id=job_id, status="queued", url=url)

    @app.get("/v1/submissions/{job_id}", response_model=SubmissionStatus, responses=_ERRORS)
    def submission(job_id: Annotated[str, Path(pattern=JOB_ID)], token: Auth) -> SubmissionStatus:
        """A submission's state and, once done, its result (the JSON of `cpelo judge --json`)."""
        row = queue.get(job_id)
        if row is None:
            raise HTTPException(404, f"submission {job_id!r}: not found")
        return _status(row)

    @app.post(
        "/v1/judge",
        response_model=SubmissionStatus,
        responses={**_ERRORS, 202: {"model": SubmissionStatus, "description": "not done within wait_s"}},
    )
    async def judge_now(body: JudgeRequest, token: Auth, response: Response) -> SubmissionStatus:
        """Judge synchronously: 200 with the result when done within ``wait_s`` (capped), else 202."""
        job_id = await run_in_threadpool(enqueue, body, token, 1)
        deadline = time.monotonic() + min(body.wait_s, settings.sync_wait_cap_s)
        pause = 0.02
        while True:
            row = await run_in_threadpool(queue.get, job_id)
            assert row is not None  # jobs are never deleted
            if row.status == DONE or time.monotonic() >= deadline:
                break
            await asyncio.sleep(pause)
            pause = min(0.2, pause * 1.5)
        if row.status != DONE:
            response.status_code = 202
            response.headers["Location"] = f"/v1/submissions/{job_id}"
        return _status(row)

    @app.get("/v1/problems", response_model=ProblemList, responses=_ERRORS)
    def list_problems(token: Auth) -> ProblemList:
        return ProblemList(problems=store.list())

    @app.get("/v1/problems/{problem_id}", response_model=ProblemInfo, responses=_ERRORS)
    def get_problem(problem_id: Annotated[str, Path(pattern=PROBLEM_ID)], token: Auth) -> ProblemInfo:
        found = [p for p in store.list() if p.id == problem_id]
        if not found:
            raise HTTPException(404, f"problem {problem_id!r}: not found")
        return found[0]

    @app.post(
        "/v1/problems",
        status_code=201,
        response_model=ProblemInfo,
        responses={**_ERRORS, 409: {"model": ErrorBody}},
    )
    async def upload_problem(
        token: Auth,
        id: Annotated[str, Form(pattern=PROBLEM_ID, description="the new problem's id")],
        package: Annotated[
            UploadFile, File(description="the problem as a zip (native dir or Kattis package)")
        ],
    ) -> ProblemInfo:
        """Upload a problem package; it is checked, unpacked and loaded before it is accepted."""
        data = await package.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise HTTPException(413, f"package: over the limit of {settings.max_upload_bytes} bytes")
        try:
            return await run_in_threadpool(store.add, id, data, token.id)
        except ProblemExists as exc:
            raise HTTPException(409, str(exc)) from exc
        except PackageRejected as exc:
            raise HTTPException(422, str(exc)) from exc
        except UnknownProblem as exc:
            raise HTTPException(404, str(exc)) from exc

    @app.get("/healthz", response_model=Health)
    def healthz() -> Health:
        depth = queue.depth()
        return Health(
            status="ok", database=engine.dialect.name, queued=depth["queued"], running=depth["running"]
        )

    @app.get("/metrics", response_class=PlainTextResponse)
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(engine, counter), media_type="text/plain; version=0.0.4")

    return app
