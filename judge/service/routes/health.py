"""/healthz and /metrics: for load balancers and Prometheus (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from judge.service import metrics
from judge.service.models import Health
from judge.service.routes.deps import ServiceDep

router = APIRouter()


@router.get("/healthz", response_model=Health)
def healthz(svc: ServiceDep) -> Health:
    depth = svc.queue.depth()
    return Health(
        status="ok", database=svc.engine.dialect.name, queued=depth["queued"], running=depth["running"]
    )


@router.get("/metrics", response_class=PlainTextResponse)
def prometheus(svc: ServiceDep) -> PlainTextResponse:
    return PlainTextResponse(metrics.render(svc.queue, svc.counter), media_type="text/plain; version=0.0.4")
