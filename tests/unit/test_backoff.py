"""Retry delays grow exponentially, stay under the cap and are jittered."""

from __future__ import annotations

import random

from qgjob_worker.backoff import retry_delay


def test_delays_double_within_their_jitter_band() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)]:
        delays = [retry_delay(attempt, base=1.0, cap=60.0, rng=rng) for _ in range(200)]
        assert min(delays) >= ceiling / 2
        assert max(delays) <= ceiling
        assert len(set(delays)) > 100  # jittered, not one fixed value


def test_delays_never_exceed_the_cap() -> None:
    rng = random.Random(1)
    assert max(retry_delay(30, base=1.0, cap=10.0, rng=rng) for _ in range(100)) <= 10.0


async def test_store_reconnect_waits_are_spread_out_and_grow() -> None:
    """Services that lost the store together do not retry in the same instant."""
    import asyncio
    import random

    from qgjob_core.retrying import Backoff

    stop = asyncio.Event()
    stop.set()  # the wait returns at once; its intended length is what is checked
    firsts, thirds = [], []
    for seed in range(20):
        backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(seed))
        for n in range(3):
            await backoff.wait(stop, ConnectionError("store away"))
            (firsts if n == 0 else thirds if n == 2 else []).append(backoff.last_wait)
    assert len(set(firsts)) == 20
    assert all(0.5 <= w <= 1.0 for w in firsts)
    assert all(2.0 <= w <= 4.0 for w in thirds)
