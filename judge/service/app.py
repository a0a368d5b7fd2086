"""The HTTP API (FastAPI): routes over the queue, the problem store, tokens and metrics.

Every malformed request ends in a 4xx naming the field at fault: bodies are pydantic models (422),
sizes are checked before the body is read in full (413), unknown things are 404, a duplicate problem
is 409, a missing, unknown, revoked or expired token 401 (before any body is read), a missing scope
403, an exhausted rate limit or quota 429 with Retry-After. Every 422 body is FastAPI's
HTTPValidationError: a list of errors, each with its location.
"""

import json

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from judge.service.auth import RateLimiter
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, migrate
from judge.service.metrics import RequestCounter
from judge.service.middleware import AccessLog, Authenticate, BodyLimit
from judge.service.packages import PackageLoader
from judge.service.problems import ProblemStore
from judge.service.queue import JobQueue
from judge.service.routes import health, judge, problems, submissions
from judge.service.routes.deps import Service


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


async def _invalid_request(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return Response(_validation_body(exc), 422, media_type="application/json")


async def _method_not_allowed(request: Request, _exc: Exception) -> JSONResponse:
    """405 with an Allow header listing every method of the path (Starlette names only the first
    route's, while /v1/problems has one route per method)."""
    allowed = {
        method
        for route in request.app.router.routes
        if (regex := getattr(route, "path_regex", None)) is not None and regex.match(request.url.path)
        for method in getattr(route, "methods", None) or ()
    }
    return JSONResponse({"detail": "Method Not Allowed"}, 405, {"Allow": ", ".join(sorted(allowed))})


async def _database_unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "database unavailable, retry"}, 503, {"Retry-After": "1"})


def create_app(
    config: ServiceConfig | None = None,
    *,
    engine: Engine | None = None,
    loader: PackageLoader | None = None,
    migrate_db: bool = True,
) -> FastAPI:
    """The API over ``config.db`` (migrated first unless ``migrate_db`` is False).

    ``loader`` turns an unpacked package directory into a JudgeTask; the CLI passes one that reads
    native problem dirs and Kattis packages (see ``problems``).
    """
    config = config or ServiceConfig()
    engine = engine or make_engine(config.db)
    if migrate_db:
        migrate(engine)
    counter = RequestCounter()
    app = FastAPI(
        title="cpelo judge service",
        version="1",
        description="Codeforces verdicts over HTTP: a durable queue, local and remote workers.",
    )
    limiter = RateLimiter()
    # Added innermost first: a request meets the access log, then authentication, then the body limits.
    app.add_middleware(BodyLimit, config=config)
    app.add_middleware(Authenticate, engine=engine, limiter=limiter)
    app.add_middleware(AccessLog, counter=counter)
    app.state.service = Service(
        config=config,
        engine=engine,
        queue=JobQueue(engine, max_attempts=config.max_attempts),
        store=ProblemStore(engine, config, loader),
        limiter=limiter,
        counter=counter,
    )
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(405, _method_not_allowed)
    for routes in (submissions, judge, problems, health):
        app.include_router(routes.router)
    return app
