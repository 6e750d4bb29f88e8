"""``/v1/jobs``: submit, read, list, cancel and logs — each scoped to the caller's org."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import JobsDep, SettingsDep
from qgjob_api.errors import (
    CONFLICT,
    ERROR_RESPONSES,
    FORBIDDEN,
    IDEMPOTENCY_CONFLICT,
    NOT_FOUND,
    QUOTA,
    ApiError,
)
from qgjob_api.idempotent import IdempotencyKey, Ids, create_once
from qgjob_api.quota import quota_error
from qgjob_api.url_check import check_build_url
from qgjob_core import tracing
from qgjob_schemas import ID_PATTERN, Job, JobPage, JobPayload, JobStatus, Target
from qgjob_store import CancelOutcome, JobStore, QuotaExceededError

router = APIRouter(prefix="/v1", tags=["jobs"])
JobId = Annotated[str, Path(pattern=ID_PATTERN, description="The job's id.")]


def not_found(job_id: str) -> ApiError:
    return ApiError(404, "not_found", f"job {job_id} not found")


async def visible_job(jobs: JobStore, principal: PrincipalDep, job_id: str) -> Job:
    """The job, when the caller may see it; another org's job is as missing as a missing one."""
    job = await jobs.get(job_id)
    if job is None or not principal.sees(job.org_id):
        raise not_found(job_id)
    return job


@router.post(
    "/jobs",
    status_code=201,
    operation_id="submitJob",
    summary="Submit a test job",
    response_model=Job,
    responses={**FORBIDDEN, **IDEMPOTENCY_CONFLICT, **ERROR_RESPONSES, **QUOTA},
)
async def submit_job(
    payload: JobPayload,
    request: Request,
    principal: PrincipalDep,
    jobs: JobsDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Queue one test. The job is stored and on the jobs stream when this returns.
    ``org_id`` may be left out: the token's org is used."""
    org = principal.owner(payload.org_id)
    payload = payload.model_copy(update={"org_id": org})
    if payload.app_url is not None:
        await check_build_url(str(payload.app_url), "app_url", settings)

    async def create(ids: Ids) -> BaseModel:
        new = jobs.prepare(
            payload,
            settings.max_attempts,
            job_id=ids.make("job"),
            traceparent=tracing.current_traceparent(),
        )
        try:
            (job,) = await jobs.submit([new], max_unfinished=settings.max_unfinished_per_org)
        except QuotaExceededError as exc:
            raise quota_error(org, exc) from None
        return job

    return await create_once(
        request,
        key=idempotency_key,
        operation="job",
        org_id=org,
        body=payload,
        create=create,
        location=lambda body: f"/v1/jobs/{body['id']}",
    )


@router.get(
    "/jobs/{job_id}",
    operation_id="getJob",
    summary="Get a job",
    response_model=Job,
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_job(job_id: JobId, principal: PrincipalDep, jobs: JobsDep) -> Response:
    """The job's current state: status, attempts, group, worker, result and times."""
    # the model serialises itself: the route skips FastAPI's second validation of its answer
    job = await visible_job(jobs, principal, job_id)
    return Response(job.model_dump_json(), media_type="application/json")


@router.get(
    "/jobs",
    operation_id="listJobs",
    summary="List jobs",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def list_jobs(
    principal: PrincipalDep,
    jobs: JobsDep,
    settings: SettingsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: JobStatus | None = None,
    app_version_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    target: Target | None = None,
    suite_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> JobPage:
    """Jobs newest first, of the token's org (an operator sees every org, or ``org_id``'s).
    A page may hold fewer than ``limit`` items when filters skip many jobs; follow
    ``next_cursor`` until it is null."""
    return await jobs.page(
        org_id=principal.scope(org_id),
        status=status,
        app_version_id=app_version_id,
        target=target.value if target else None,
        suite_id=suite_id,
        limit=min(limit, settings.list_limit_max),
        cursor=cursor,
    )


@router.post(
    "/jobs/{job_id}/cancel",
    operation_id="cancelJob",
    summary="Cancel a job",
    responses={**NOT_FOUND, **CONFLICT, **ERROR_RESPONSES},
)
async def cancel_job(job_id: JobId, principal: PrincipalDep, jobs: JobsDep) -> Job:
    """A waiting job ends ``cancelled`` at once and never runs. A running job is stopped by
    its worker and ends ``cancelled`` shortly after (``cancel_requested`` is true meanwhile).
    A finished job cannot be cancelled (409)."""
    await visible_job(jobs, principal, job_id)
    outcome = await jobs.cancel(job_id)
    if outcome is CancelOutcome.MISSING:
        raise not_found(job_id)
    job = await jobs.get(job_id)
    if job is None:
        raise not_found(job_id)
    if outcome is CancelOutcome.CONFLICT:
        raise ApiError(409, "conflict", f"job {job_id} is already {job.status.value}")
    return job


@router.get(
    "/jobs/{job_id}/logs",
    operation_id="getJobLogs",
    summary="Get a job's log",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "The captured output (may be empty).",
            "content": {
                "text/plain": {
                    "schema": {"type": "string"},
                    "example": "$ simulated run tests/login.spec.js\n"
                    "tests/login.spec.js: 1 passed\n",
                }
            },
        },
        **NOT_FOUND,
        **ERROR_RESPONSES,
    },
)
async def get_job_logs(job_id: JobId, principal: PrincipalDep, jobs: JobsDep) -> str:
    """What the driver captured while running the job (the latest output, bounded)."""
    await visible_job(jobs, principal, job_id)
    return await jobs.log(job_id)
