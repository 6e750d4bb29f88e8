"""Running a create request under an ``Idempotency-Key`` (see :mod:`qgjob_store.idempotency`)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from qgjob_api.errors import ApiError
from qgjob_api.patterns import IDEMPOTENCY_KEY
from qgjob_store import IdempotencyConflictError, IdempotencyStore
from qgjob_store.ids import derived_id, new_id

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=IDEMPOTENCY_KEY,
        description="Makes the request safe to retry: the same key and body within 24 h "
        "return the first response and create nothing; the same key with another body is 409.",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


class Ids:
    """Ids for the records one request creates: random, or derived from the idempotency
    key so a retried request names the same records."""

    def __init__(self, seed: str | None = None, ms: int = 0) -> None:
        self.seed, self.ms = seed, ms

    def make(self, name: str) -> str:
        return derived_id(self.ms, f"{self.seed}:{name}") if self.seed else new_id()


Create = Callable[[Ids], Awaitable[BaseModel]]
Location = Callable[[dict[str, Any]], str]
"""The ``Location`` of a created record, from the response body: the same for a replay."""


def fingerprint(model: BaseModel) -> str:
    return hashlib.sha256(
        orjson.dumps(model.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    ).hexdigest()


async def create_once(
    request: Request,
    *,
    key: str | None,
    operation: str,
    org_id: str,
    body: BaseModel,
    create: Create,
    location: Location,
    status: int = 201,
) -> Response:
    """Run ``create`` (which returns the response model) at most once per key."""
    if key is None:
        content = (await create(Ids())).model_dump_json().encode()
        return _created(content, status, location)
    store: IdempotencyStore = request.app.state.idempotency
    scope = f"{operation}:{org_id}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"
    try:
        claim = await store.claim(scope, fingerprint(body))
    except IdempotencyConflictError:
        raise ApiError(
            409,
            "idempotency_conflict",
            "this Idempotency-Key was already used with another request body",
        ) from None
    if claim.replay is not None:
        replay_status, content = claim.replay
        return _created(content, replay_status, location, {REPLAYED_HEADER: "true"})
    content = (await create(Ids(scope, claim.ms))).model_dump_json().encode()
    await store.complete(claim, status, content)
    return _created(content, status, location)


def _created(
    content: bytes, status: int, location: Location, extra: dict[str, str] | None = None
) -> Response:
    headers = {"Location": location(orjson.loads(content)), **(extra or {})}
    return Response(content, status, headers, "application/json")
