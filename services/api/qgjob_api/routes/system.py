"""Health, readiness and metrics."""

from __future__ import annotations

from importlib.metadata import version

import structlog
from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from qgjob_api.deps import MetricsDep, StatsDep, StoreDep
from qgjob_api.errors import ERROR_RESPONSES, error_response
from qgjob_core.retrying import STORE_ERRORS
from qgjob_schemas import Health

router = APIRouter(tags=["system"])
SERVER_VERSION = version("qgjob")
log = structlog.get_logger("qgjob.api")


@router.get(
    "/healthz",
    operation_id="health",
    summary="Liveness",
    responses={413: ERROR_RESPONSES[413], 500: ERROR_RESPONSES[500]},
)
async def health() -> Health:
    """The process is up, and its version. Does not touch the store."""
    return Health(status="ok", version=SERVER_VERSION)


# the paths the platform was first described with answer too, outside the documented spec
router.add_api_route("/health", health, methods=["GET"], include_in_schema=False)


@router.get(
    "/readyz",
    operation_id="ready",
    summary="Readiness",
    response_model=Health,
    responses={
        413: ERROR_RESPONSES[413],
        500: ERROR_RESPONSES[500],
        503: ERROR_RESPONSES[503],
    },
)
async def ready(store: StoreDep) -> JSONResponse:
    """Ready when the store answers and can run the write scripts (a master, not a
    read-only replica; a node that runs scripts over the keys)."""
    try:
        problem = await store.can_run_scripts()
    except STORE_ERRORS as exc:
        # where the store is (host, port) is for the logs, not for anyone who can connect
        log.warning("not ready: store unreachable", error=str(exc) or type(exc).__name__)
        return _not_ready("the job store is unreachable")
    except RedisError as exc:
        log.warning("not ready: the store cannot run the scripts", error=str(exc))
        return _not_ready("the job store cannot run qgjob's scripts")
    if problem is not None:
        log.warning("not ready: the store cannot take writes", reason=problem)
        return _not_ready("the job store cannot take writes")
    return JSONResponse({"status": "ready"})


def _not_ready(message: str) -> JSONResponse:
    return error_response(503, "store_unavailable", message, headers={"Retry-After": "2"})


@router.get(
    "/metrics",
    operation_id="metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {
                "text/plain": {
                    "schema": {"type": "string"},
                    "example": 'qgjob_jobs{status="queued"} 3.0\n',
                }
            },
        },
        413: ERROR_RESPONSES[413],
        500: ERROR_RESPONSES[500],
        503: ERROR_RESPONSES[503],
    },
)
async def metrics(stats: StatsDep, metrics: MetricsDep) -> PlainTextResponse:
    """Request latency by route, jobs by status, queue depth and lag per stream, installs,
    retries, dead letters, workers by state. Not authenticated (scrape from inside). While
    the store is unreachable it still answers, with `qgjob_store_up 0` and the latency."""
    try:
        metrics.store.read(await stats.stats(None, operator=True))
    except STORE_ERRORS:
        metrics.store.read(None)
    return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
