"""/v1/judge: judge synchronously, waiting a bounded time for the result."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, HTTPException, Response
from starlette.concurrency import run_in_threadpool

from judge.service.models import JudgeRequest, SubmissionStatus
from judge.service.queue import DONE
from judge.service.routes.deps import BODY_ERRORS, Auth, ServiceDep, enqueue, status_of

router = APIRouter()


@router.post(
    "/v1/judge",
    response_model=SubmissionStatus,
    responses={**BODY_ERRORS, 202: {"model": SubmissionStatus, "description": "not done within wait_s"}},
)
async def judge_now(body: JudgeRequest, token: Auth, response: Response, svc: ServiceDep) -> SubmissionStatus:
    """Judge synchronously: 200 with the result when done within ``wait_s`` (capped), else 202.
    The job is queued like any other (same fair share): waiting does not jump the queue."""
    job_id = await run_in_threadpool(enqueue, svc, body, token)
    deadline = time.monotonic() + min(body.wait_s, svc.config.sync_wait_cap_s)
    pause = 0.02
    while True:
        row = await run_in_threadpool(svc.queue.get, job_id)
        if row is None:  # deleted by the retention between two polls: only with a tiny retention
            raise HTTPException(404, f"submission {job_id!r}: no longer stored")
        if row.status == DONE or time.monotonic() >= deadline:
            break
        await asyncio.sleep(pause)
        pause = min(0.2, pause * 1.5)
    if row.status != DONE:
        response.status_code = 202
        response.headers["Location"] = f"/v1/submissions/{job_id}"
    return status_of(row)
