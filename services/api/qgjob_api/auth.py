"""Who is calling: an org (its API token), an operator (the admin token), or anyone when the
app runs open (no admin token configured, as ``qgjob up`` may).

* no or a bad token → 401; an org token acting for another org → 403;
* another org's resource → 404, exactly as a missing one, so nothing can be inferred;
* each request of an org takes one token of its rate-limit bucket (429 when empty).
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import State

from qgjob_api.errors import ApiError
from qgjob_schemas import ErrorDetail
from qgjob_store import RateLimiter, TokenStore

bearer = HTTPBearer(
    auto_error=False,
    description="An org's API token (`qgjob admin token create`), or the operator token.",
)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Principal:
    """``org_id`` is the org an API token acts for; ``None`` for an operator (or open mode)."""

    org_id: str | None
    admin: bool = False
    token_id: str | None = None

    def sees(self, org_id: str) -> bool:
        return self.org_id is None or self.org_id == org_id

    def scope(self, requested: str | None) -> str | None:
        """The org a read covers: the token's own (naming another is 403); an operator's
        choice (``None``: every org)."""
        if self.org_id is None:
            return requested
        if requested is not None and requested != self.org_id:
            raise _forbidden(self.org_id, requested)
        return self.org_id

    def owner(self, given: str | None) -> str:
        """The org that owns what is being created."""
        if self.org_id is None:
            if not given:
                raise ApiError(
                    422,
                    "validation_error",
                    "invalid request: org_id: is required when not using an org's API token",
                    details=[ErrorDetail(field="org_id", message="is required")],
                )
            return given
        if given and given != self.org_id:
            raise _forbidden(self.org_id, given)
        return self.org_id


def _forbidden(own: str, other: str) -> ApiError:
    return ApiError(403, "forbidden", f"this token acts for org {own}, not {other}")


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers=_CHALLENGE)


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else None
    return await principal_of(request.app.state, token, request.headers.get("authorization"))


async def principal_of(state: State, token: str | None, header: str | None) -> Principal:
    """Who sends ``token`` (``header``: the raw Authorization header, to tell a malformed
    one from none); the org's rate limit is taken. Shared by HTTP and WebSocket routes."""
    admin = state.settings.admin_token.get_secret_value() if state.settings.admin_token else None
    if token is None:
        if header:
            raise _unauthorized("the Authorization header must read `Bearer <token>`")
        if admin is None:
            return Principal(org_id=None, admin=True)
        raise _unauthorized("missing bearer token: send `Authorization: Bearer <token>`")
    if admin is not None and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal(org_id=None, admin=True)
    tokens: TokenStore = state.tokens
    info = await tokens.lookup(token)
    if info is None:
        raise _unauthorized("invalid or revoked token")
    structlog.contextvars.bind_contextvars(org_id=info.org_id)
    limiter: RateLimiter = state.limiter
    decision = await limiter.take(info.org_id)
    if not decision.allowed:
        wait = max(1, math.ceil(decision.retry_after_s))
        raise ApiError(
            429,
            "rate_limited",
            f"rate limit of org {info.org_id} reached; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return Principal(org_id=info.org_id, token_id=info.id)


async def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if not principal.admin:
        raise ApiError(403, "forbidden", "an operator (admin) token is needed for this")
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
AdminDep = Annotated[Principal, Depends(require_admin)]
