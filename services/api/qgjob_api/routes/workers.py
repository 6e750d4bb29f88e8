"""``/v1/workers``: the worker registry (state, current group, installed app versions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import StoreDep
from qgjob_api.errors import ERROR_RESPONSES, ApiError, error_doc
from qgjob_schemas import ID_PATTERN, Target, Worker, WorkerState
from qgjob_store import WorkerRegistry

router = APIRouter(prefix="/v1", tags=["workers"])


@router.get(
    "/workers", operation_id="listWorkers", summary="List workers", responses=ERROR_RESPONSES
)
async def list_workers(
    store: StoreDep,
    principal: PrincipalDep,
    target: Target | None = None,
    state: WorkerState | None = None,
) -> list[Worker]:
    """Every worker that reported in, by target and id: its state (`idle`, `busy`,
    `draining`, `unhealthy`, or `lost` when its heartbeat is older than the heartbeat TTL),
    the group it runs, the app versions installed on it, its last heartbeat and its capacity.
    An org's token sees only that org's groups on a worker, and no installed versions."""
    workers = await WorkerRegistry(store).workers(target=target, org_id=principal.org_id)
    return [w for w in workers if state is None or w.state is state]


@router.get(
    "/workers/{worker_id}",
    operation_id="getWorker",
    summary="Get a worker",
    responses={
        404: error_doc("No such worker.", "not_found", "worker emulator-9 not found"),
        **ERROR_RESPONSES,
    },
)
async def get_worker(
    worker_id: Annotated[str, Path(pattern=ID_PATTERN)], store: StoreDep, principal: PrincipalDep
) -> Worker:
    """One worker, as the list shows it."""
    worker = await WorkerRegistry(store).get(worker_id, org_id=principal.org_id)
    if worker is None:
        raise ApiError(404, "not_found", f"worker {worker_id} not found")
    return worker
