"""Request rate per org: a token bucket kept in Redis, so every API replica shares it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from qgjob_store.store import Store


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after_s: float
    remaining: float


class RateLimiter:
    def __init__(self, store: Store, *, per_s: float, burst: int) -> None:
        self._s = store
        self.per_s, self.burst = per_s, burst

    @property
    def enabled(self) -> bool:
        return self.per_s > 0

    async def take(self, org_id: str, cost: int = 1) -> RateDecision:
        """Take ``cost`` tokens from the org's bucket, atomically."""
        if not self.enabled:
            return RateDecision(True, 0.0, float(self.burst))
        # the request id keeps a retried call from taking twice
        allowed, wait, left = await self._s.scripts.run(
            "ratelimit", org_id, self.per_s, self.burst, cost, uuid.uuid4().hex
        )
        return RateDecision(bool(int(allowed)), float(wait), float(left))
