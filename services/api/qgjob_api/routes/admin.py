"""``/v1/admin``: what an operator does with the admin token — org API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from qgjob_api.auth import AdminDep
from qgjob_api.deps import TokensDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN, NOT_FOUND, ApiError
from qgjob_schemas import ID_PATTERN, TokenCreate, TokenCreated, TokenInfo

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/tokens",
    status_code=201,
    operation_id="createToken",
    summary="Create an org API token",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def create_token(body: TokenCreate, _: AdminDep, tokens: TokensDep) -> TokenCreated:
    """The token is in the answer only: the store keeps its hash."""
    return await tokens.create(body.org_id, body.name)


@router.get(
    "/tokens",
    operation_id="listTokens",
    summary="List org API tokens",
    responses={**FORBIDDEN, **ERROR_RESPONSES},
)
async def list_tokens(
    _: AdminDep,
    tokens: TokensDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> list[TokenInfo]:
    """Ids, orgs and names — never the secrets."""
    return await tokens.list(org_id)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    operation_id="revokeToken",
    summary="Revoke an org API token",
    response_class=Response,
    responses={**FORBIDDEN, **NOT_FOUND, **ERROR_RESPONSES},
)
async def revoke_token(
    token_id: Annotated[str, Path(pattern=ID_PATTERN, description="The token's id.")],
    _: AdminDep,
    tokens: TokensDep,
) -> Response:
    """The token stops working at once."""
    if not await tokens.revoke(token_id):
        raise ApiError(404, "not_found", f"token {token_id} not found")
    return Response(status_code=204)
