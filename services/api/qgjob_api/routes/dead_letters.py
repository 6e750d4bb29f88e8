"""``/v1/dead-letters``: jobs that ran out of attempts, and poison stream entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import JobsDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, FORBIDDEN, NOT_FOUND, ApiError, invalid
from qgjob_api.patterns import STREAM_ID
from qgjob_api.routes.jobs import not_found, visible_job
from qgjob_redis import RequeueOutcome, valid_stream_id
from qgjob_schemas import ID_PATTERN, DeadLetter, Job

router = APIRouter(prefix="/v1", tags=["dead-letters"])


@router.get(
    "/dead-letters",
    operation_id="listDeadLetters",
    summary="List dead letters",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def list_dead_letters(
    principal: PrincipalDep,
    jobs: JobsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[str | None, Query(pattern=STREAM_ID)] = None,
) -> list[DeadLetter]:
    """Newest first, of the token's org (an operator sees every org's, and poison entries).
    Pass the last entry's ``id`` as ``before`` for older ones."""
    if before is not None and not valid_stream_id(before):
        raise invalid("before", "must be a stream entry id like 1732795200000-0")
    scope = principal.scope(org_id)
    return await jobs.dead_letters(org_id=scope, limit=limit, before=before)


@router.post(
    "/dead-letters/{job_id}/requeue",
    operation_id="requeueDeadLetter",
    summary="Requeue a dead job",
    responses={**NOT_FOUND, **CONFLICT, **ERROR_RESPONSES},
)
async def requeue_dead_letter(
    job_id: Annotated[str, Path(pattern=ID_PATTERN)], principal: PrincipalDep, jobs: JobsDep
) -> Job:
    """Queue a dead job again with a fresh attempt budget."""
    await visible_job(jobs, principal, job_id)
    outcome = await jobs.requeue(job_id)
    if outcome is RequeueOutcome.MISSING:
        raise not_found(job_id)
    job = await jobs.get(job_id)
    if job is None:
        raise not_found(job_id)
    if outcome is RequeueOutcome.CONFLICT:
        raise ApiError(409, "conflict", f"job {job_id} is {job.status.value}, not dead")
    return job
