"""/v1/problems: list, show, upload, replace and delete problem packages."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from judge.service.errors import PackageRejected
from judge.service.models import PROBLEM_ID, ProblemList
from judge.service.problems import NotOwner, ProblemExists, ProblemInfo, UnknownProblem
from judge.service.routes.deps import BODY_ERRORS, ERRORS, Auth, ServiceDep, require, unprocessable

router = APIRouter()
log = logging.getLogger("judge.service")
ProblemId = Annotated[str, Path(pattern=PROBLEM_ID)]
Package = Annotated[UploadFile, File(description="the problem as a zip (native dir or Kattis package)")]


@router.get("/v1/problems", response_model=ProblemList, responses=ERRORS)
def list_problems(token: Auth, svc: ServiceDep) -> ProblemList:
    """Every problem; one that cannot be judged (stored under looser ceilings) carries its ``error``."""
    return ProblemList(problems=svc.store.list())


@router.get("/v1/problems/{problem_id}", response_model=ProblemInfo, responses=ERRORS)
def get_problem(problem_id: ProblemId, token: Auth, svc: ServiceDep) -> ProblemInfo:
    try:
        return svc.store.info(problem_id)
    except UnknownProblem as exc:
        raise HTTPException(404, str(exc)) from exc


async def _read(package: UploadFile, svc: ServiceDep) -> bytes:
    limit = svc.config.max_upload_bytes
    data = await package.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"package: over the limit of {limit} bytes")
    return data


def _refused(token_name: str, problem_id: str, exc: Exception) -> HTTPException:
    log.warning("refused package %r of token %r: %s", problem_id, token_name, exc)
    return unprocessable(("body", "package"), str(exc))


@router.post(
    "/v1/problems",
    status_code=201,
    response_model=ProblemInfo,
    responses=BODY_ERRORS,
)
async def upload_problem(
    token: Auth,
    id: Annotated[str, Form(pattern=PROBLEM_ID, description="the new problem's id")],
    package: Package,
    svc: ServiceDep,
) -> ProblemInfo:
    """Upload a problem package; it is checked (against the server's ceilings), unpacked and loaded
    before it is accepted. An id already taken is 409: replace the problem with PUT."""
    require(token, "upload")
    data = await _read(package, svc)
    try:
        return await run_in_threadpool(svc.store.add, id, data, token.id)
    except ProblemExists as exc:
        raise HTTPException(409, str(exc)) from exc
    except PackageRejected as exc:
        raise _refused(token.name, id, exc) from exc


@router.put("/v1/problems/{problem_id}", response_model=ProblemInfo, responses=BODY_ERRORS)
async def replace_problem(
    problem_id: ProblemId, token: Auth, package: Package, svc: ServiceDep
) -> ProblemInfo:
    """Replace a problem's package (its uploader, or an admin token); queued jobs judge the new one."""
    require(token, "upload")
    data = await _read(package, svc)
    try:
        return await run_in_threadpool(svc.store.replace, problem_id, data, token.id, admin=token.admin)
    except UnknownProblem as exc:
        raise HTTPException(404, str(exc)) from exc
    except NotOwner as exc:
        raise HTTPException(403, str(exc)) from exc
    except PackageRejected as exc:
        raise _refused(token.name, problem_id, exc) from exc


@router.delete("/v1/problems/{problem_id}", status_code=204, response_class=Response, responses=ERRORS)
def delete_problem(problem_id: ProblemId, token: Auth, svc: ServiceDep) -> Response:
    """Delete a problem (its uploader, or an admin token); its queued jobs end as JUDGE_ERROR."""
    require(token, "upload")
    try:
        svc.store.delete(problem_id, token.id, admin=token.admin)
    except UnknownProblem as exc:
        raise HTTPException(404, str(exc)) from exc
    except NotOwner as exc:
        raise HTTPException(403, str(exc)) from exc
    return Response(status_code=204)
