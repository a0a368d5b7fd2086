"""/v1/judge: judge synchronously, waiting a bounded time for the result."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from judge.service.models import JudgeRequest, SubmissionStatus
from judge.service.queue import DONE
from judge.service.routes.deps import ERRORS, Auth, ServiceDep, enqueue, status_of

router = APIRouter()


@router.post(
    "/v1/judge",
    response_model=SubmissionStatus,
    responses={**ERRORS, 202: {"model": SubmissionStatus, "description": "not done within wait_s"}},
)
async def judge_now(body: JudgeRequest, token: Auth, response: Response, svc: ServiceDep) -> SubmissionStatus:
    """Judge synchronously: 200 with the result when done within ``wait_s`` (capped), else 202."""
    job_id = await run_in_threadpool(enqueue, svc, body, token, 1)
    deadline = time.monotonic() + min(body.wait_s, svc.config.sync_wait_cap_s)
    pause = 0.02
    while True:
        row = await run_in_threadpool(svc.queue.get, job_id)
        assert row is not None  # jobs are never deleted
        if row.status == DONE or time.monotonic() >= deadline:
            break
        await asyncio.sleep(pause)
        pause = min(0.2, pause * 1.5)
    if row.status != DONE:
        response.status_code = 202
        response.headers["Location"] = f"/v1/submissions/{job_id}"
    return status_of(row)
