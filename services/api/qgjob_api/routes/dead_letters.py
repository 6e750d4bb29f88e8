"""``/v1/dead-letters``: jobs that ran out of attempts, and poison stream entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qgjob_api.deps import JobsDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, NOT_FOUND, ApiError
from qgjob_redis import RequeueOutcome
from qgjob_schemas import ID_PATTERN, DeadLetter, Job

router = APIRouter(prefix="/v1", tags=["dead-letters"])


@router.get(
    "/dead-letters",
    operation_id="listDeadLetters",
    summary="List dead letters",
    responses=ERROR_RESPONSES,
)
async def list_dead_letters(
    jobs: JobsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[str | None, Query(pattern=r"^\d+-\d+$")] = None,
) -> list[DeadLetter]:
    """Newest first. Pass the last entry's ``id`` as ``before`` for older ones."""
    return await jobs.dead_letters(org_id=org_id, limit=limit, before=before)


@router.post(
    "/dead-letters/{job_id}/requeue",
    operation_id="requeueDeadLetter",
    summary="Requeue a dead job",
    responses={**NOT_FOUND, **CONFLICT, **ERROR_RESPONSES},
)
async def requeue_dead_letter(
    job_id: Annotated[str, Path(pattern=ID_PATTERN)], jobs: JobsDep
) -> Job:
    """Queue a dead job again with a fresh attempt budget."""
    outcome = await jobs.requeue(job_id)
    if outcome is RequeueOutcome.MISSING:
        raise ApiError(404, "not_found", f"job {job_id} not found")
    job = await jobs.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"job {job_id} not found")
    if outcome is RequeueOutcome.CONFLICT:
        raise ApiError(409, "conflict", f"job {job_id} is {job.status.value}, not dead")
    return job
