"""Idempotency keys: the same key and body within the TTL replay the first response.

The first request with a key writes a claim (``SET NX``) holding the body's fingerprint and
a timestamp. Records created for that request take ids derived from the key and that
timestamp (:func:`qgjob_store.ids.derived_id`), and the submit script is idempotent by id:
a concurrent duplicate, or a retry after a crash half-way, re-creates the very same records
instead of new ones. Once the response is known it is stored under the key and replayed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import orjson

from qgjob_store.store import Store

IDEMPOTENCY_TTL_S = 24 * 3600


class IdempotencyConflictError(Exception):
    """The key was used before with another body."""


@dataclass(frozen=True)
class Claim:
    """What a request with an idempotency key should do.

    ``replay`` holds the stored ``(status, body)`` when the first request finished;
    otherwise the request runs, deriving its ids from ``ms``."""

    scope: str
    fingerprint: str
    ms: int
    replay: tuple[int, bytes] | None = None


class IdempotencyStore:
    def __init__(self, store: Store, ttl_s: int = IDEMPOTENCY_TTL_S) -> None:
        self._r = store.redis
        self._k = store.keys
        self.ttl_s = ttl_s

    async def claim(self, scope: str, fingerprint: str) -> Claim:
        """Claim ``scope`` (org, operation and key) for a body with ``fingerprint``."""
        key = self._k.idempotency(scope)
        for _ in range(3):
            ms = int(time.time() * 1000)
            record = orjson.dumps({"fp": fingerprint, "ms": ms})
            if await self._r.set(key, record, nx=True, ex=self.ttl_s):
                return Claim(scope, fingerprint, ms)
            raw = await self._r.get(key)
            if raw is None:  # expired in between: claim again
                continue
            seen = orjson.loads(raw)
            if seen["fp"] != fingerprint:
                raise IdempotencyConflictError(scope)
            replay = None
            if "status" in seen:
                replay = (int(seen["status"]), str(seen["body"]).encode())
            return Claim(scope, fingerprint, int(seen["ms"]), replay)
        raise RuntimeError("could not claim the idempotency key")

    async def complete(self, claim: Claim, status: int, body: bytes) -> None:
        """Store the response of the claimed request for replays (keeps the claim's TTL)."""
        record = orjson.dumps(
            {"fp": claim.fingerprint, "ms": claim.ms, "status": status, "body": body.decode()}
        )
        await self._r.set(self._k.idempotency(claim.scope), record, xx=True, keepttl=True)
