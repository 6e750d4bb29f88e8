"""Stopping a service cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal


def install_stop_handlers(stop: asyncio.Event) -> None:
    """Set ``stop`` on SIGTERM or SIGINT (the loop must be running)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``stop``; ``True`` when it was set."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
