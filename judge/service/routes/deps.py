"""What every route shares: the service's parts (one per app), the bearer token (checked by the
``Authenticate`` middleware before any body is read) and its scopes, the error responses documented
for each route, and a job row as a SubmissionStatus."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from judge.service.auth import RateLimiter, Token
from judge.service.config import ServiceConfig
from judge.service.errors import PackageRejected
from judge.service.metrics import RequestCounter
from judge.service.models import LANGUAGE_NAMES, ErrorBody, SubmissionRequest, SubmissionStatus
from judge.service.problems import ProblemStore, UnknownProblem
from judge.service.queue import JobQueue, Quota, QuotaExceeded
from judge.verdict import JudgeResult

log = logging.getLogger("judge.service")

# 422 is FastAPI's own HTTPValidationError (a list of errors): ours use the same shape (`unprocessable`).
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 408, 413, 429, 503)
}
# A body that cannot be parsed at all (not UTF-8, not multipart) is FastAPI's 400, before validation;
# 409: a problem id already taken, or a submission to a stored problem that cannot be judged.
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": ErrorBody, "description": "a body that cannot be parsed at all"},
    409: {"model": ErrorBody},
}


@dataclass(frozen=True)
class Service:
    """The parts of one app, kept on ``app.state.service`` for the routes."""

    config: ServiceConfig
    engine: Engine
    queue: JobQueue
    store: ProblemStore
    limiter: RateLimiter
    counter: RequestCounter

    @property
    def quota(self) -> Quota:
        return Quota(self.config.max_queued_per_token, self.config.max_queued_cpu_s_per_token)


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


ServiceDep = Annotated[Service, Depends(service)]

_bearer = HTTPBearer(auto_error=False, description="a token from `cpelo serve token create`")


def unprocessable(loc: tuple[str | int, ...], message: str) -> HTTPException:
    """A 422 shaped as FastAPI's HTTPValidationError, as the OpenAPI document says every 422 is."""
    return HTTPException(422, [{"loc": list(loc), "msg": message, "type": "value_error"}])


def authenticate(
    request: Request, _creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Token:
    """The request's token, checked by the middleware (the HTTPBearer dependency documents it)."""
    token = request.scope.get("state", {}).get("token")
    if not isinstance(token, Token):  # only reachable when the app is mounted without its middleware
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    return token


Auth = Annotated[Token, Depends(authenticate)]


def require(token: Token, scope: str) -> None:
    if not token.allows(scope):
        raise HTTPException(403, f"token {token.name!r} lacks the {scope!r} scope")


def _check_submission(svc: Service, body: SubmissionRequest) -> float:
    """The submission's worst-case CPU seconds, or a 4xx naming what is wrong."""
    size = len(body.source.encode("utf-8"))
    limit = svc.config.max_source_bytes
    if size > limit:
        raise HTTPException(413, f"source: {size} bytes, over the limit of {limit}")
    if body.language not in LANGUAGE_NAMES:
        known = ", ".join(str(name) for name in LANGUAGE_NAMES)
        raise unprocessable(("body", "language"), f"language: {body.language!r} is not one of {known}")
    try:
        return svc.store.cost(body.problem)
    except UnknownProblem as exc:
        raise HTTPException(404, f"{exc} (upload it: POST /v1/problems)") from exc
    except PackageRejected as exc:
        raise HTTPException(409, f"problem {body.problem!r} cannot be judged: {exc}; replace it") from exc


def enqueue(svc: Service, body: SubmissionRequest, token: Token) -> str:
    """Check a submission and queue it (within the token's quotas); its job id."""
    require(token, "submit")
    cpu_s = _check_submission(svc, body)
    try:
        return svc.queue.enqueue(
            problem_id=body.problem, language=body.language, source=body.source, run_all=body.run_all,
            token_id=token.id, cpu_s=cpu_s, quota=svc.quota,
        )  # fmt: skip
    except QuotaExceeded as exc:
        log.warning("refused a submission of token %r: %s", token.name, exc)
        raise HTTPException(429, f"token {token.name!r}: {exc}", {"Retry-After": "10"}) from exc


def visible(token: Token, row: Any) -> bool:
    """A submission is readable by the token that made it, and by admins."""
    return token.admin or (row.token_id is not None and int(row.token_id) == token.id)


def status_of(row: Any) -> SubmissionStatus:
    result = JudgeResult.model_validate_json(row.result_json) if row.result_json else None
    return SubmissionStatus(
        id=row.id, status=row.status, problem=row.problem_id, language=row.language,
        created_at=row.created_at, finished_at=row.finished_at, attempts=row.attempts, result=result,
    )  # fmt: skip
