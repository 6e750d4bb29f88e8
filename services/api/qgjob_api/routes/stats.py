"""``/v1/stats``: figures of the caller's org, or of the platform for an operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import StatsDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN
from qgjob_schemas import ID_PATTERN, TIMELINE_MAX_MINUTES, Stats, StatsTimeline

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


# the path the platform was first described with answers too, outside the documented spec
router.add_api_route("/stats", stats, methods=["GET"], include_in_schema=False)


@router.get(
    "/v1/stats/timeline",
    operation_id="getStatsTimeline",
    summary="Finished jobs per minute",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def stats_timeline(
    principal: PrincipalDep,
    stats: StatsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    minutes: Annotated[
        int, Query(ge=1, le=TIMELINE_MAX_MINUTES, description="Minutes back, this one included.")
    ] = 30,
) -> StatsTimeline:
    """Jobs that reached a terminal status in each of the last ``minutes`` minutes, by
    status (passed, failed, dead, cancelled), oldest first — throughput and success rate over
    time, of the token's org (an operator: every org's, or ``org_id``'s)."""
    return await stats.timeline(principal.scope(org_id), minutes)
