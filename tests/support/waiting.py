"""Waiting on conditions with deadlines: tests never sleep to synchronise."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class ConditionTimeout(AssertionError):
    pass


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.05, what: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T = predicate()
    while not last:
        if time.monotonic() > deadline:
            raise ConditionTimeout(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)
        last = predicate()
    return last


async def async_wait_until(
    predicate: Callable[[], Awaitable[T]],
    *,
    timeout: float,
    interval: float = 0.02,
    what: str = "",
) -> T:
    deadline = time.monotonic() + timeout
    last = await predicate()
    while not last:
        if time.monotonic() > deadline:
            raise ConditionTimeout(f"timed out after {timeout}s waiting for {what or predicate}")
        await asyncio.sleep(interval)
        last = await predicate()
    return last
