"""Health, readiness and stats."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from qgjob_api.deps import JobsDep, StoreDep
from qgjob_api.errors import ERROR_RESPONSES, error_response
from qgjob_core.retrying import STORE_ERRORS
from qgjob_schemas import Error, Stats

router = APIRouter(tags=["system"])


@router.get("/healthz", operation_id="health", summary="Liveness")
async def health() -> dict[str, str]:
    """The process is up. Does not touch the store."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="ready",
    summary="Readiness",
    responses={503: {"model": Error, "description": "The store is unreachable."}},
)
async def ready(store: StoreDep) -> JSONResponse:
    """Ready when the store answers."""
    try:
        await store.ping()
    except STORE_ERRORS as exc:
        return error_response(
            503,
            "store_unavailable",
            f"the job store is unreachable: {exc}",
            headers={"Retry-After": "2"},
        )
    return JSONResponse({"status": "ready"})


@router.get(
    "/v1/stats", operation_id="getStats", summary="Stats", tags=["stats"], responses=ERROR_RESPONSES
)
async def stats(jobs: JobsDep) -> Stats:
    """Jobs by status and target, groups formed, installs done and saved."""
    return await jobs.stats()
