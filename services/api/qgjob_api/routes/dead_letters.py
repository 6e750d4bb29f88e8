"""``/v1/dead-letters``: jobs that ran out of attempts, and poison stream entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from starlette.convertors import Convertor, register_url_convertor

from qgjob_api.auth import Principal, PrincipalDep
from qgjob_api.deps import JobsDep, StoreDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, FORBIDDEN, NOT_FOUND, ApiError, invalid
from qgjob_api.patterns import STREAM_ID
from qgjob_api.routes.jobs import not_found, visible_job
from qgjob_schemas import (
    ENTRY_ID_PATTERN,
    ID_PATTERN,
    DeadLetter,
    DeadLetterBatch,
    DeadLetterSelection,
    Job,
)
from qgjob_store import DeadLetterStore, RequeueOutcome, valid_stream_id

router = APIRouter(prefix="/v1", tags=["dead-letters"])


class EntryIdConvertor(Convertor[str]):
    """A path segment that is a stream entry id, so ``/v1/dead-letters/{entry_id}`` does not
    also claim ``/v1/dead-letters/requeue`` and ``/purge`` (their 405s allow POST only)."""

    regex = r"[0-9]{1,20}-[0-9]{1,20}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("entry_id", EntryIdConvertor())


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


def _entry_not_found(entry_id: str) -> ApiError:
    return ApiError(404, "not_found", f"dead letter {entry_id} not found")


def _visible(principal: Principal, letter: DeadLetter | None) -> bool:
    """An org sees its own entries; poison entries (no org) only an operator."""
    if letter is None:
        return False
    return principal.org_id is None or letter.org_id == principal.org_id


@router.delete(
    "/dead-letters/{entry_id:entry_id}",
    status_code=204,
    operation_id="deleteDeadLetter",
    summary="Delete a dead letter",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def delete_dead_letter(
    entry_id: Annotated[str, Path(pattern=ENTRY_ID_PATTERN)],
    principal: PrincipalDep,
    store: StoreDep,
) -> Response:
    """Take one entry off the list (its job stays dead; nothing is run)."""
    if not valid_stream_id(entry_id):
        raise _entry_not_found(entry_id)
    letters = DeadLetterStore(store)
    letter = await letters.get(entry_id)
    if letter is None or not _visible(principal, letter):
        raise _entry_not_found(entry_id)
    await letters.remove(letter)
    return Response(status_code=204)


@router.post(
    "/dead-letters/requeue",
    operation_id="requeueDeadLetters",
    summary="Requeue dead jobs in bulk",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def requeue_dead_letters(
    selection: DeadLetterSelection,
    principal: PrincipalDep,
    store: StoreDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> DeadLetterBatch:
    """Queue the selected dead jobs again (``all``: every one in view), each with a fresh
    attempt budget; poison entries and jobs no longer dead are skipped, with the reason."""
    return await DeadLetterStore(store).requeue(principal.scope(org_id), selection.ids)


@router.post(
    "/dead-letters/purge",
    operation_id="purgeDeadLetters",
    summary="Delete dead letters in bulk",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def purge_dead_letters(
    selection: DeadLetterSelection,
    principal: PrincipalDep,
    store: StoreDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> DeadLetterBatch:
    """Take the selected dead letters off the list (``all``: every one in view); their
    jobs stay dead."""
    return await DeadLetterStore(store).purge(principal.scope(org_id), selection.ids)
