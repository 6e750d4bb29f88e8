"""Server-sent events: one client's stream of job events, from its cursor on.

Frames: ``id: <stream id>`` + ``data: <JobEvent JSON>`` per event (so ``Last-Event-ID``
resumes after it), an optional first ``event: snapshot`` frame with the current state, and a
``: keep-alive`` comment when nothing happened for a while.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from qgjob_api.events_hub import EventHub, Subscription
from qgjob_core.retrying import STORE_ERRORS
from qgjob_schemas import JobEvent
from qgjob_store import EventSource, parse_id
from qgjob_store.codec import event_from_entry
from qgjob_store.consumer import Entry
from qgjob_store.events import StreamId

CATCH_UP_FIRST = 50
"""The first page of a catch-up is small, so its frames go out at once."""
CATCH_UP_PAGE = 500
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
log = structlog.get_logger("qgjob.api.events")


@dataclass(frozen=True)
class EventFilter:
    """Which events a client gets: of one org (``None``: all), one job, one suite."""

    org_id: str | None = None
    job_id: str | None = None
    suite_id: str | None = None

    def match(self, fields: dict[str, str]) -> bool:
        if self.org_id is not None and fields.get("org") != self.org_id:
            return False
        if self.job_id is not None and fields.get("job") != self.job_id:
            return False
        return self.suite_id is None or fields.get("suite") == self.suite_id


def frame(event: JobEvent) -> str:
    return f"id: {event.id}\ndata: {event.model_dump_json(exclude_none=True)}\n\n"


def snapshot_frame(data_json: str) -> str:
    return f"event: snapshot\ndata: {data_json}\n\n"


@dataclass
class EventStream:
    """One client's events: first caught up from ``log`` (its own: an org's, a job's or a
    suite's) in pages, then live from the hub's window of the shared stream."""

    hub: EventHub
    log: EventSource
    where: EventFilter
    keepalive_s: float
    done: Callable[[list[JobEvent]], Awaitable[bool]] | None = None
    """Asked once per batch with a finished event, about its finished events; once it
    answers ``True`` the stream sends what is already in the store (events of the same
    change may follow) and ends."""
    _cursor: str = field(default="0-0", init=False)
    _end: StreamId | None = field(default=None, init=False)
    _live: bool = field(default=False, init=False)
    """Caught up: newer events come from the hub's window."""
    _sub: Subscription | None = field(default=None, init=False)
    """A job's or suite's client takes its own entries from the hub, not the window."""

    async def run(self, cursor: str | None, first: str | None = None) -> AsyncIterator[str]:
        """The stream as server-sent events text; "from now" is fixed before the first
        line goes out, so nothing that happens after the client sees it is missed. The
        store going away (a failover) ends it: the client resumes with ``Last-Event-ID``."""
        async with self.hub.listening():
            try:
                start = cursor or await self.log.last_id()
                yield "retry: 2000\n\n" + (first or "")
                async for batch in self._follow(start):
                    # a whole batch in one write: one chunk per page, not one per event
                    yield "".join(map(frame, batch)) if batch is not None else ": keep-alive\n\n"
            except STORE_ERRORS as exc:
                log.warning(
                    "event stream ended: store unavailable", error=str(exc) or type(exc).__name__
                )

    async def events(self, cursor: str) -> AsyncIterator[JobEvent | None]:
        """The matching events after ``cursor``, as they happen; a ``None`` after
        ``keepalive_s`` without one. Ends when ``done`` says so, or the hub closes (the
        server is stopping)."""
        async with self.hub.listening():
            async for batch in self._follow(cursor):
                if batch is None:
                    yield None
                    continue
                for event in batch:
                    yield event

    async def _follow(self, cursor: str) -> AsyncIterator[list[JobEvent] | None]:
        """The matching events after ``cursor`` in batches (never empty; one per page of
        the source or per wake-up of the hub); ``None`` after ``keepalive_s`` without one."""
        self._cursor = cursor
        self._sub = self._subscribe()
        try:
            page = CATCH_UP_FIRST
            while not self._over() and not self.hub.closing:
                wake = (self._sub or self.hub).wake_event()
                batch = await self._batch(page)
                page = CATCH_UP_PAGE
                if batch:
                    events = await self._matching(batch)
                    if events:
                        yield events
                elif self._finishing():
                    return
                elif not await _woken(wake, self.keepalive_s):
                    yield None
        finally:
            if self._sub is not None:
                self.hub.unsubscribe(self._sub)

    def _subscribe(self) -> Subscription | None:
        if self.where.suite_id is not None:
            return self.hub.subscribe("suite", self.where.suite_id)
        if self.where.job_id is not None:
            return self.hub.subscribe("job", self.where.job_id)
        return None

    def end_at(self, last: str) -> None:
        """Send the matching events up to ``last`` (the newest in the store) and end: the
        job or suite was finished when a resuming client came back, so its last events may
        lie before the client's cursor and no event to end on would come."""
        self._end = parse_id(last)

    def _finishing(self) -> bool:
        return self._end is not None

    def _over(self) -> bool:
        return self._end is not None and parse_id(self._cursor) >= self._end

    async def _batch(self, page: int) -> list[Entry]:
        """Newer events: from the hub's window once caught up and while it covers them,
        else a page of the client's own stream (always once finishing: the hub may not
        have read them yet)."""
        if self._live and self._end is None:
            batch = (self._sub or self.hub).since(self._cursor)
            if batch is not None:
                return batch
            self._live = False  # fell behind the window: catch up again
        # taken before reading: every event up to it is in the stream already, so once
        # the page comes back short the client may skip the other orgs' events up to it
        mark = self.hub.newest()
        batch = await self.log.after(self._cursor, page)
        if len(batch) < page and mark is not None:
            self._live = True
            if parse_id(mark) > parse_id(batch[-1][0] if batch else self._cursor):
                batch.append((mark, {}))  # no fields: matches no filter, moves the cursor
        return batch

    async def _matching(self, batch: list[Entry]) -> list[JobEvent]:
        out: list[JobEvent] = []
        finished: list[JobEvent] = []
        for entry in batch:
            self._cursor = entry[0]
            event = self._event(entry)
            if event is None:
                continue
            out.append(event)
            if event.status.terminal:
                finished.append(event)
        if not finished or self._end is not None or self.done is None:
            return out
        # asked once per batch, not per event: the answer may need a read of the store
        if await self.done(finished):
            self._end = parse_id(await self.log.last_id())
        return out

    def _event(self, entry: Entry) -> JobEvent | None:
        entry_id, fields = entry
        if not fields or not self.where.match(fields):
            return None
        try:
            return event_from_entry(entry_id, fields)
        except (KeyError, ValueError):
            return None


async def _woken(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True
