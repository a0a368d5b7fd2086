"""/v1/submissions: queue a submission, poll it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from judge.service.models import JOB_ID, SubmissionCreated, SubmissionRequest, SubmissionStatus
from judge.service.routes.deps import BODY_ERRORS, ERRORS, Auth, ServiceDep, enqueue, status_of, visible

router = APIRouter()


@router.post("/v1/submissions", status_code=201, response_model=SubmissionCreated, responses=BODY_ERRORS)
def submit(body: SubmissionRequest, token: Auth, response: Response, svc: ServiceDep) -> SubmissionCreated:
    """Queue a submission; poll GET /v1/submissions/{id} for its result."""
    job_id = enqueue(svc, body, token)
    url = f"/v1/submissions/{job_id}"
    response.headers["Location"] = url
    return SubmissionCreated(id=job_id, status="queued", url=url)


@router.get("/v1/submissions/{job_id}", response_model=SubmissionStatus, responses=ERRORS)
def submission(
    job_id: Annotated[str, Path(pattern=JOB_ID)], token: Auth, svc: ServiceDep
) -> SubmissionStatus:
    """A submission's state and, once done, its result (the JSON of `cpelo judge --json`); readable by
    the token that made it and by admins (404 to anyone else: ids are not confirmed to exist)."""
    row = svc.queue.get(job_id)
    if row is None or not visible(token, row):
        raise HTTPException(404, f"submission {job_id!r}: not found")
    return status_of(row)
