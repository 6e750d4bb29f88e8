"""Retry delays for infrastructure errors: exponential, capped, with jitter."""

from __future__ import annotations

import random

_RNG = random.Random()


def retry_delay(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Delay before the retry that follows ``attempt`` (1-based).

    The ceiling doubles each attempt (``base · 2^(attempt-1)``, at most ``cap``); the delay is
    drawn uniformly from the upper half of it ("equal jitter"), so retries of many jobs that
    failed together spread out but none comes back sooner than half the ceiling.
    """
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    jitter = (rng or _RNG).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
