"""``/v1/stats``: figures of the caller's org, or of the platform for an operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import StatsDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN
from qgjob_schemas import ID_PATTERN, Stats

router = APIRouter(tags=["stats"])


@router.get(
    "/v1/stats",
    operation_id="getStats",
    summary="Stats",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def stats(
    principal: PrincipalDep,
    stats: StatsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> Stats:
    """Jobs by status and target, installs done and saved, groups formed, retries, dead
    letters, jobs per minute and queue waits — of the token's org. An operator gets every
    org's figures (or ``org_id``'s) and also the streams (queue depth, lag) and workers."""
    return await stats.stats(principal.scope(org_id), operator=principal.admin)
