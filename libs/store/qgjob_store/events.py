"""Reading the events stream (every job state change, appended by the Lua ``emit()``)."""

from __future__ import annotations

from typing import Protocol

from qgjob_store.consumer import Entry
from qgjob_store.store import Store

StreamId = tuple[int, int]


def parse_id(entry_id: str) -> StreamId:
    """A stream id as a comparable pair; ``ValueError`` when it is not one."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


MAX_ID_PART = 2**64 - 1


def valid_stream_id(entry_id: str) -> bool:
    """Whether ``entry_id`` is ``<ms>-<seq>`` (or ``<ms>``) with parts Redis accepts."""
    try:
        ms, seq = parse_id(entry_id)
    except ValueError:
        return False
    return 0 <= ms <= MAX_ID_PART and 0 <= seq <= MAX_ID_PART


class EventSource(Protocol):
    """Where a client's events are read from when catching up."""

    async def last_id(self) -> str: ...

    async def after(self, entry_id: str, count: int = 500) -> list[Entry]: ...


class EventLog:
    """The events stream of every org, or the copy of one org, one job or one suite (the
    same entries and ids, so a cursor is valid in every one)."""

    def __init__(self, store: Store, key: str | None = None) -> None:
        self._store = store
        self._r = store.redis
        self.key = key or store.keys.events()

    def of_org(self, org_id: str | None) -> EventLog:
        """The log an org's reader catches up from (``None``: every org's)."""
        return EventLog(self._store, self._store.keys.events(org_id))

    def of_job(self, job_id: str, org_id: str) -> JobEventLog:
        """One job's events only (``org_id``: the job's org)."""
        return JobEventLog(self._store, job_id, org_id)

    def of_suite(self, suite_id: str) -> EventLog:
        """The events of one suite's jobs only."""
        return EventLog(self._store, self._store.keys.suite_events(suite_id))

    async def last_id(self) -> str:
        """The id of the newest event (``0-0`` when there is none)."""
        rows = await self._r.xrevrange(self.key, "+", "-", count=1)
        return str(rows[0][0]) if rows else "0-0"

    async def after(self, entry_id: str, count: int = 500) -> list[Entry]:
        """Events newer than ``entry_id``, oldest first."""
        if parse_id(entry_id) == (MAX_ID_PART, MAX_ID_PART):
            return []  # nothing can be newer than the largest id
        rows: list[Entry] = await self._r.xrange(  # type: ignore[assignment]
            self.key, f"({entry_id}", "+", count=count
        )
        return rows

    async def wait_after(self, entry_id: str, count: int, block_ms: int) -> list[Entry]:
        """Events newer than ``entry_id``, waiting up to ``block_ms`` for the first."""
        reply: list[tuple[str, list[Entry]]] = await self._r.xread(  # type: ignore[assignment]
            {self.key: entry_id}, count=count, block=block_ms
        )
        out: list[Entry] = []
        for _stream, batch in reply or []:
            out += batch
        return out


class JobEventLog:
    """One job's events: the ids in its list, the entries from its org's stream (one read
    of the list, then one pipelined read of the page's entries)."""

    def __init__(self, store: Store, job_id: str, org_id: str) -> None:
        self._r = store.redis
        self.key = store.keys.job_events(job_id)
        self._stream = store.keys.events(org_id)

    async def last_id(self) -> str:
        ids: list[str] = await self._r.lrange(self.key, -1, -1)  # type: ignore[assignment]
        return ids[0] if ids else "0-0"

    async def after(self, entry_id: str, count: int = 500) -> list[Entry]:
        """The job's events newer than ``entry_id``, oldest first, one per id: an entry
        trimmed from the org's stream meanwhile comes back without fields (a reader skips
        it; a page is still as long as the ids it covers)."""
        at = parse_id(entry_id)
        ids: list[str] = await self._r.lrange(self.key, 0, -1)  # type: ignore[assignment]
        newer = [i for i in ids if parse_id(i) > at][:count]
        if not newer:
            return []
        pipe = self._r.pipeline(transaction=False)
        for i in newer:
            pipe.xrange(self._stream, i, i, count=1)
        pages: list[list[Entry]] = await pipe.execute()
        return [page[0] if page else (i, {}) for i, page in zip(newer, pages, strict=True)]
