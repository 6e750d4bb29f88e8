"""One reader of the events stream per API process, shared by every live-event client.

The hub reads the stream with a blocking ``XREAD`` (one connection, whatever the number of
clients) into a bounded in-memory window of recent events, and wakes the clients. Each
client first catches up from its own stream (its org's, job's or suite's; the shared one
only for an operator's view of every org) with ``XRANGE`` pages, then takes what is newer
than its cursor from the window. A slow client never holds the hub up: when it falls
behind the window, it catches up again.
The hub reads only while some client listens.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog

from qgjob_core.retrying import Backoff
from qgjob_store import EventLog, parse_id
from qgjob_store.consumer import Entry
from qgjob_store.events import StreamId

log = structlog.get_logger("qgjob.api.events")
WINDOW = 10_000
READ_COUNT = 1000


class EventHub:
    def __init__(self, events: EventLog, *, block_ms: int = 1000, window: int = WINDOW) -> None:
        self.events = events
        self.block_ms = block_ms
        self._window: deque[tuple[StreamId, Entry]] = deque(maxlen=window)
        self._floor: StreamId | None = None
        """Every event newer than this is in the window (``None``: the hub is not reading)."""
        self._last: str | None = None
        self._listeners = 0
        self._listening = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.closing = False
        """Set when the server shuts down: every client stream ends (and resumes elsewhere)."""

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="events-hub")

    async def stop(self) -> None:
        self._stop.set()
        self._listening.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def close_streams(self) -> None:
        """End every client's stream now (the server is shutting down): clients reconnect
        with ``Last-Event-ID`` and lose nothing, and the server need not wait for them."""
        self.closing = True
        self._wake.set()
        self._wake = asyncio.Event()

    @asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """Hold the hub reading while a client is connected."""
        self._listeners += 1
        self._listening.set()
        try:
            yield
        finally:
            self._listeners -= 1

    # --- what clients use ------------------------------------------------------------

    def wake_event(self) -> asyncio.Event:
        """Set when new events arrive; take it before :meth:`since` and wait on it after."""
        return self._wake

    def newest(self) -> str | None:
        """The id up to which the hub has read (every newer event will be in the window);
        ``None`` while it is not reading."""
        return self._last if self._floor is not None else None

    def since(self, cursor: str) -> list[Entry] | None:
        """Events newer than ``cursor`` from the window; ``None`` when the window does not
        cover them (read those from the stream)."""
        if self._floor is None:
            return None
        at = parse_id(cursor)
        if at < self._floor:
            return None
        window = self._window
        i = bisect.bisect_right(window, at, key=lambda item: item[0])
        return [window[k][1] for k in range(i, len(window))]

    # --- the reader ------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = Backoff(base=0.2, cap=5.0)
        while not self._stop.is_set():
            await self._listening.wait()
            try:
                await self._read_once()
                backoff.reset()
            except Exception as exc:
                self._reset()
                await backoff.wait(self._stop, exc)

    async def _read_once(self) -> None:
        if self._last is None:
            self._last = await self.events.last_id()
            self._floor = parse_id(self._last)
            self._window.clear()
        entries = await self.events.wait_after(self._last, READ_COUNT, self.block_ms)
        for entry in entries:
            if len(self._window) == self._window.maxlen:
                self._floor = self._window[0][0]
            self._window.append((parse_id(entry[0]), entry))
        if entries:
            self._last = entries[-1][0]
            self._wake.set()
            self._wake = asyncio.Event()
        if self._listeners == 0:
            self._reset()
            self._listening.clear()

    def _reset(self) -> None:
        self._last, self._floor = None, None
        self._window.clear()
