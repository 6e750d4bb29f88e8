"""Stopping a service cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

from qgjob_core.gc_tuning import tune_gc

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run a service's main coroutine on uvloop (asyncio's own loop when it is missing),
    with garbage collection tuned for a long-running process (:mod:`qgjob_core.gc_tuning`)."""
    tune_gc()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def exit_cleanly_until_ready() -> None:
    """Until a service installs its own handlers, SIGTERM and SIGINT end it with exit 0: it
    holds nothing yet. Called before the service's (slow) imports."""

    def _exit(_sig: int, _frame: FrameType | None) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)


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
