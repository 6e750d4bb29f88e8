"""``/v1/suites``: many tests of one app version in one request, and their progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from qgjob_api.auth import Principal, PrincipalDep
from qgjob_api.deps import SettingsDep, SuitesDep
from qgjob_api.errors import (
    ERROR_RESPONSES,
    FORBIDDEN,
    IDEMPOTENCY_CONFLICT,
    NOT_FOUND,
    QUOTA,
    ApiError,
)
from qgjob_api.idempotent import IdempotencyKey, Ids, create_once
from qgjob_api.quota import quota_error
from qgjob_core import tracing
from qgjob_schemas import ID_PATTERN, Suite, SuiteCancellation, SuitePayload
from qgjob_store import QuotaExceededError, SuiteStore

router = APIRouter(prefix="/v1", tags=["suites"])
SuiteId = Annotated[str, Path(pattern=ID_PATTERN, description="The suite's id.")]


async def visible_suite(
    suites: SuiteStore, principal: Principal, suite_id: str, *, with_jobs: bool = True
) -> Suite:
    suite = await suites.get(suite_id, with_jobs=with_jobs)
    if suite is None or not principal.sees(suite.org_id):
        raise ApiError(404, "not_found", f"suite {suite_id} not found")
    return suite


@router.post(
    "/suites",
    status_code=201,
    operation_id="submitSuite",
    summary="Submit a suite",
    response_model=Suite,
    responses={**FORBIDDEN, **IDEMPOTENCY_CONFLICT, **ERROR_RESPONSES, **QUOTA},
)
async def submit_suite(
    payload: SuitePayload,
    request: Request,
    principal: PrincipalDep,
    suites: SuitesDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """One job per test and target (at most 5,000), stored in batches of 1,000 per store
    round trip. Answers with the suite id and every job id; each job carries ``suite_id``.
    The org's cap on unfinished jobs applies to the whole suite: all of it or nothing."""
    org = principal.owner(payload.org_id)
    payload = payload.model_copy(update={"org_id": org})

    async def create(ids: Ids) -> BaseModel:
        suite_id = "s" + ids.make("suite")
        try:
            suite = await suites.create(
                suite_id,
                org,
                payload,
                default_max_attempts=settings.max_attempts,
                job_id=lambda i: ids.make(f"job:{i}"),
                max_unfinished=settings.max_unfinished_per_org,
                traceparent=tracing.current_traceparent(),
            )
        except QuotaExceededError as exc:
            raise quota_error(org, exc) from None
        return suite

    return await create_once(
        request,
        key=idempotency_key,
        operation="suite",
        org_id=org,
        body=payload,
        create=create,
        location=lambda body: f"/v1/suites/{body['id']}",
    )


@router.get(
    "/suites/{suite_id}",
    operation_id="getSuite",
    summary="Get a suite's progress",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_suite(suite_id: SuiteId, principal: PrincipalDep, suites: SuitesDep) -> Suite:
    """Counts by status; ``finished`` once every job is terminal, ``passed`` when moreover
    every job passed."""
    return await visible_suite(suites, principal, suite_id)


@router.post(
    "/suites/{suite_id}/cancel",
    operation_id="cancelSuite",
    summary="Cancel a suite",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def cancel_suite(
    suite_id: SuiteId, principal: PrincipalDep, suites: SuitesDep
) -> SuiteCancellation:
    """Every unfinished job of the suite, in one request: a waiting job ends ``cancelled``
    at once and never runs, a running one is stopped by its worker. Finished jobs keep their
    result. Cancelling again changes nothing and answers 200 with what the suite is now."""
    await visible_suite(suites, principal, suite_id, with_jobs=False)
    done = await suites.cancel(suite_id)
    if done is None:
        raise ApiError(404, "not_found", f"suite {suite_id} not found")
    return done
