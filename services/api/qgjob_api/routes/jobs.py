"""``/v1/jobs``: submit, read, list, cancel and logs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import PlainTextResponse

from qgjob_api.deps import JobsDep, SettingsDep, StoreDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, NOT_FOUND, ApiError
from qgjob_redis import CancelOutcome
from qgjob_schemas import ID_PATTERN, Job, JobPage, JobPayload, JobStatus

router = APIRouter(prefix="/v1", tags=["jobs"])
JobId = Annotated[str, Path(pattern=ID_PATTERN, description="The job's id.")]


def _not_found(job_id: str) -> ApiError:
    return ApiError(404, "not_found", f"job {job_id} not found")


@router.post(
    "/jobs",
    status_code=201,
    operation_id="submitJob",
    summary="Submit a test job",
    responses=ERROR_RESPONSES,
)
async def submit_job(
    payload: JobPayload, response: Response, jobs: JobsDep, settings: SettingsDep
) -> Job:
    """Queue one test. The job is stored and on the jobs stream when this returns."""
    (job,) = await jobs.submit([jobs.prepare(payload, settings.max_attempts)])
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job


@router.get(
    "/jobs/{job_id}",
    operation_id="getJob",
    summary="Get a job",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_job(job_id: JobId, jobs: JobsDep) -> Job:
    job = await jobs.get(job_id)
    if job is None:
        raise _not_found(job_id)
    return job


@router.get("/jobs", operation_id="listJobs", summary="List jobs", responses=ERROR_RESPONSES)
async def list_jobs(
    jobs: JobsDep,
    settings: SettingsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: JobStatus | None = None,
    app_version_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> JobPage:
    """Jobs newest first. A page may hold fewer than ``limit`` items when filters skip many
    jobs; follow ``next_cursor`` until it is null."""
    return await jobs.page(
        org_id=org_id,
        status=status,
        app_version_id=app_version_id,
        limit=min(limit, settings.list_limit_max),
        cursor=cursor,
    )


@router.post(
    "/jobs/{job_id}/cancel",
    operation_id="cancelJob",
    summary="Cancel a job",
    responses={**NOT_FOUND, **CONFLICT, **ERROR_RESPONSES},
)
async def cancel_job(job_id: JobId, jobs: JobsDep) -> Job:
    """A waiting job ends ``cancelled`` at once and never runs. A running job is stopped by
    its worker and ends ``cancelled`` shortly after (``cancel_requested`` is true meanwhile).
    A finished job cannot be cancelled (409)."""
    outcome = await jobs.cancel(job_id)
    if outcome is CancelOutcome.MISSING:
        raise _not_found(job_id)
    job = await jobs.get(job_id)
    if job is None:
        raise _not_found(job_id)
    if outcome is CancelOutcome.CONFLICT:
        raise ApiError(409, "conflict", f"job {job_id} is already {job.status.value}")
    return job


@router.get(
    "/jobs/{job_id}/logs",
    operation_id="getJobLogs",
    summary="Get a job's log",
    response_class=PlainTextResponse,
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_job_logs(job_id: JobId, store: StoreDep) -> str:
    """What the driver captured while running the job (the latest output, bounded)."""
    async with store.redis.pipeline(transaction=False) as pipe:
        pipe.exists(store.keys.job(job_id))
        pipe.get(store.keys.job_log(job_id))
        exists, text = await pipe.execute()
    if not exists:
        raise _not_found(job_id)
    return str(text or "")
