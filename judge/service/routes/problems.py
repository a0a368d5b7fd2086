"""/v1/problems: list, show and upload problem packages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path, UploadFile
from starlette.concurrency import run_in_threadpool

from judge.service.errors import PackageRejected
from judge.service.models import PROBLEM_ID, ErrorBody, ProblemList
from judge.service.problems import ProblemExists, ProblemInfo, UnknownProblem
from judge.service.routes.deps import ERRORS, Auth, ServiceDep

router = APIRouter()


@router.get("/v1/problems", response_model=ProblemList, responses=ERRORS)
def list_problems(token: Auth, svc: ServiceDep) -> ProblemList:
    return ProblemList(problems=svc.store.list())


@router.get("/v1/problems/{problem_id}", response_model=ProblemInfo, responses=ERRORS)
def get_problem(
    problem_id: Annotated[str, Path(pattern=PROBLEM_ID)], token: Auth, svc: ServiceDep
) -> ProblemInfo:
    found = [p for p in svc.store.list() if p.id == problem_id]
    if not found:
        raise HTTPException(404, f"problem {problem_id!r}: not found")
    return found[0]


@router.post(
    "/v1/problems",
    status_code=201,
    response_model=ProblemInfo,
    responses={**ERRORS, 409: {"model": ErrorBody}},
)
async def upload_problem(
    token: Auth,
    id: Annotated[str, Form(pattern=PROBLEM_ID, description="the new problem's id")],
    package: Annotated[UploadFile, File(description="the problem as a zip (native dir or Kattis package)")],
    svc: ServiceDep,
) -> ProblemInfo:
    """Upload a problem package; it is checked, unpacked and loaded before it is accepted."""
    limit = svc.config.max_upload_bytes
    data = await package.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"package: over the limit of {limit} bytes")
    try:
        return await run_in_threadpool(svc.store.add, id, data, token.id)
    except ProblemExists as exc:
        raise HTTPException(409, str(exc)) from exc
    except PackageRejected as exc:
        raise HTTPException(422, str(exc)) from exc
    except UnknownProblem as exc:
        raise HTTPException(404, str(exc)) from exc
