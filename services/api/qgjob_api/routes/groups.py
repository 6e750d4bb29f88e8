"""``/v1/groups``: the groups that share an app install — the groups manager's view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import GroupsDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN, NOT_FOUND, ApiError
from qgjob_api.patterns import CURSOR
from qgjob_schemas import ID_PATTERN, GroupDetail, GroupPage, GroupState, Target

router = APIRouter(prefix="/v1", tags=["groups"])


@router.get(
    "/groups",
    operation_id="listGroups",
    summary="List groups",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def list_groups(
    principal: PrincipalDep,
    groups: GroupsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    app_version_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    target: Target | None = None,
    state: GroupState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(pattern=CURSOR)] = None,
) -> GroupPage:
    """Groups newest first, of the token's org (an operator sees every org's). Follow
    ``next_cursor`` until it is null; a page may be short when filters skip many groups."""
    return await groups.page(
        org_id=principal.scope(org_id),
        app_version_id=app_version_id,
        target=target.value if target else None,
        state=state,
        limit=limit,
        cursor=int(cursor) if cursor is not None else None,
    )


@router.get(
    "/groups/{group_id}",
    operation_id="getGroup",
    summary="Get a group",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_group(
    group_id: Annotated[str, Path(pattern=ID_PATTERN, description="The group's id.")],
    principal: PrincipalDep,
    groups: GroupsDep,
) -> GroupDetail:
    """Its jobs in order, state, the worker(s) that ran it, whether the app was installed
    for it or already on the device, and its timings."""
    group = await groups.get(group_id)
    if group is None or not principal.sees(group.org_id):
        raise ApiError(404, "not_found", f"group {group_id} not found")
    return group
