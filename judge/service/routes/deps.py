"""What every route shares: the service's parts (one per app), bearer-token authentication with its
rate limit, the error responses documented for each route, and a job row as a SubmissionStatus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from judge.errors import JudgeError
from judge.languages import get_language
from judge.service.auth import RateLimiter, Token, lookup
from judge.service.config import ServiceConfig
from judge.service.metrics import RequestCounter
from judge.service.models import ErrorBody, SubmissionRequest, SubmissionStatus
from judge.service.problems import ProblemStore
from judge.service.queue import JobQueue
from judge.verdict import JudgeResult

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 404, 413, 422, 429)}


@dataclass(frozen=True)
class Service:
    """The parts of one app, kept on ``app.state.service`` for the routes."""

    config: ServiceConfig
    engine: Engine
    queue: JobQueue
    store: ProblemStore
    limiter: RateLimiter
    counter: RequestCounter


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


ServiceDep = Annotated[Service, Depends(service)]

_bearer = HTTPBearer(auto_error=False, description="a token from `cpelo serve token create`")


def authenticate(
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)], svc: ServiceDep
) -> Token:
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is None:
        raise HTTPException(401, "missing bearer token: send 'Authorization: Bearer <token>'", challenge)
    token = lookup(svc.engine, creds.credentials)
    if token is None:
        raise HTTPException(401, "unknown or revoked token", challenge)
    wait = svc.limiter.allow(token)
    if wait > 0:
        raise HTTPException(
            429,
            f"rate limit of {token.rate_per_minute} requests per minute reached for token {token.name!r}",
            {"Retry-After": str(max(1, round(wait)))},
        )
    return token


Auth = Annotated[Token, Depends(authenticate)]


def _check_submission(svc: Service, body: SubmissionRequest) -> None:
    size = len(body.source.encode("utf-8"))
    limit = svc.config.max_source_bytes
    if size > limit:
        raise HTTPException(413, f"source: {size} bytes, over the limit of {limit}")
    try:
        get_language(body.language)
    except JudgeError as exc:
        raise HTTPException(422, f"language: {exc}") from exc
    if not svc.store.exists(body.problem):
        raise HTTPException(404, f"problem {body.problem!r}: not found (upload it: POST /v1/problems)")


def enqueue(svc: Service, body: SubmissionRequest, token: Token, priority: int) -> str:
    """Check a submission and queue it; its job id."""
    _check_submission(svc, body)
    return svc.queue.enqueue(
        problem_id=body.problem, language=body.language, source=body.source, run_all=body.run_all,
        priority=priority, token_id=token.id,
    )  # fmt: skip


def status_of(row: Any) -> SubmissionStatus:
    result = JudgeResult.model_validate_json(row.result_json) if row.result_json else None
    return SubmissionStatus(
        id=row.id, status=row.status, problem=row.problem_id, language=row.language,
        created_at=row.created_at, finished_at=row.finished_at, attempts=row.attempts, result=result,
    )  # fmt: skip
