"""One reader of the events stream per API process, shared by every live-event client.

The hub reads the stream with a blocking ``XREAD`` (one connection, whatever the number of
clients) into a bounded in-memory window of recent events, and wakes the clients. Each
client first catches up from its own stream (its org's, job's or suite's; the shared one
only for an operator's view of every org) with ``XRANGE`` pages, then takes what is newer
than its cursor from the window. A slow client never holds the hub up: when it falls
behind the window, it catches up again.
The hub reads only while some client listens.

A client of one job or one suite subscribes: the hub hands it the entries of its job or
suite as it reads them and wakes it alone, so that a thousand such clients cost a read one
lookup per entry, not a wake-up and a scan of the window each.
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
SUBSCRIPTION_WINDOW = 1000
"""Entries a subscription keeps for its client; a client further behind catches up from
its own stream."""


class Subscription:
    """The entries of one job or suite (``field``: ``job`` or ``suite``, the entry field
    the hub matches) from the hub's reads, kept until its client takes them."""

    def __init__(self, field: str, value: str, floor: StreamId | None, maxlen: int) -> None:
        self.key = (field, value)
        self.maxlen = maxlen
        self._entries: deque[tuple[StreamId, Entry]] = deque()
        self._floor = floor
        """Every matching entry newer than this is here or was taken (``None``: the hub is
        not reading)."""
        self._wake = asyncio.Event()

    def wake_event(self) -> asyncio.Event:
        """Set when entries arrive; take it before :meth:`since` and wait on it after."""
        return self._wake

    def since(self, cursor: str) -> list[Entry] | None:
        """The entries newer than ``cursor`` (the client's cursor only moves forward: older
        ones are dropped); ``None`` when they may not all be here."""
        if self._floor is None:
            return None
        at = parse_id(cursor)
        if at < self._floor:
            return None
        entries = self._entries
        while entries and entries[0][0] <= at:
            entries.popleft()
        return [entry for _id, entry in entries]

    def _add(self, at: StreamId, entry: Entry) -> None:
        if len(self._entries) >= self.maxlen:
            self._floor = self._entries.popleft()[0]
        self._entries.append((at, entry))

    def _restart(self, floor: StreamId | None) -> None:
        self._entries.clear()
        self._floor = floor

    def _notify(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()


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
        self._subs: dict[tuple[str, str], set[Subscription]] = {}
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
        for subs in self._subs.values():
            for sub in subs:
                sub._notify()

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

    def subscribe(self, field: str, value: str) -> Subscription:
        """The entries whose ``field`` (``job`` or ``suite``) is ``value``, from now on;
        :meth:`unsubscribe` when done."""
        floor = parse_id(self._last) if self._floor is not None and self._last else None
        sub = Subscription(field, value, floor, SUBSCRIPTION_WINDOW)
        self._subs.setdefault(sub.key, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        subs = self._subs.get(sub.key)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.key]

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
            self._restart_subscriptions(self._floor)
        entries = await self.events.wait_after(self._last, READ_COUNT, self.block_ms)
        self._take(entries)
        if entries:
            self._last = entries[-1][0]
            self._wake.set()
            self._wake = asyncio.Event()
        if self._listeners == 0:
            self._reset()
            self._listening.clear()

    def _take(self, entries: list[Entry]) -> None:
        """Into the window, and to the subscriptions they match (each woken once)."""
        woken: set[Subscription] = set()
        for entry in entries:
            at = parse_id(entry[0])
            if len(self._window) == self._window.maxlen:
                self._floor = self._window[0][0]
            self._window.append((at, entry))
            if self._subs:
                for sub in self._subscribers(entry[1]):
                    sub._add(at, entry)
                    woken.add(sub)
        for sub in woken:
            sub._notify()

    def _restart_subscriptions(self, floor: StreamId | None) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub._restart(floor)

    def _subscribers(self, fields: dict[str, str]) -> list[Subscription]:
        out: list[Subscription] = []
        for field in ("suite", "job"):
            value = fields.get(field)
            if value:
                out += self._subs.get((field, value), ())
        return out

    def _reset(self) -> None:
        self._last, self._floor = None, None
        self._window.clear()
        self._restart_subscriptions(None)
