"""Waiting out an unreachable store: capped exponential backoff, never a crash loop."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from qgjob_core.lifecycle import wait_or_stop

log = structlog.get_logger("qgjob.store")

STORE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
"""Errors that mean the store is away for now (retry), not that a request was wrong."""


class Backoff:
    """Capped exponential wait between attempts to reach the store, with jitter: each wait
    is drawn from the upper half of the current ceiling, so the services that lost the store
    together (a Redis restart) do not all come back in the same instant."""

    def __init__(
        self, base: float = 0.1, cap: float = 5.0, *, rng: random.Random | None = None
    ) -> None:
        self.base, self.cap, self.delay = base, cap, base
        self.rng = rng or random.Random()
        self.last_wait = 0.0
        """How long the latest :meth:`wait` was meant to last, in seconds."""

    def reset(self) -> None:
        self.delay = self.base

    async def wait(self, stop: asyncio.Event, exc: BaseException) -> None:
        self.last_wait = self.delay / 2 + self.rng.uniform(0, self.delay / 2)
        log.warning(
            "store unavailable, retrying",
            error=str(exc) or type(exc).__name__,
            retry_in_s=round(self.last_wait, 2),
        )
        await wait_or_stop(stop, self.last_wait)
        self.delay = min(self.cap, self.delay * 2)


async def until_ok(stop: asyncio.Event, fn: Callable[[], Awaitable[object]]) -> None:
    """Call ``fn`` until it succeeds or ``stop`` is set, backing off on store errors."""
    backoff = Backoff()
    while not stop.is_set():
        try:
            await fn()
            return
        except STORE_ERRORS as exc:
            await backoff.wait(stop, exc)
