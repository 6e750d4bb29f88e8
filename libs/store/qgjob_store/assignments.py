"""A worker's side of its target's assignment stream: what it holds is its pending list there.

Every group has one entry in ``stream:assign:<target>`` for its whole life. The scripts move
it between pending lists of the consumer group :data:`WORKER_GROUP`: the holding consumer's
while the group waits for the scheduler, the chosen worker's when the scheduler gives it the
group (and back on a takeover), and ack it when the group ends. So a worker never reads new
entries (``>``): it lists its own pending list (``XPENDING`` with itself as consumer) when
woken by the dispatch (a ``BLPOP`` on its wake list), when it starts, and every
``recheck_ms`` as a safety net (the dispatch writes the pending list before the wake, in
one script, so a wake is never ahead of what it announces), and takes up an entry by
re-reading it from its own history (``XREADGROUP`` from the id just before it,
``COUNT 1``): that reads only what this worker holds, and counts one delivery, which the
``QGJOB_MAX_DELIVERIES`` guard looks at (a dispatch or a takeover starts the count from 0,
so it counts one holder's attempts).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from qgjob_store.consumer import Entry, ensure_group, entries_of
from qgjob_store.keys import WORKER_GROUP

PoisonHandler = Callable[[list[tuple[Entry, int]]], Awaitable[set[str]]]
"""Takes entries with their delivery counts; returns the ids it dead-lettered."""
HELD_MAX = 1000
"""Entries of its pending list a worker lists at once (it holds one per lane)."""
MAX_SEQ = 2**64 - 1


def before(entry_id: str) -> str:
    """The stream id just before ``entry_id`` (reading from it returns ``entry_id`` first)."""
    ms, _, seq = entry_id.partition("-")
    if int(seq or 0) > 0:
        return f"{ms}-{int(seq) - 1}"
    if int(ms) > 0:
        return f"{int(ms) - 1}-{MAX_SEQ}"
    return "0-0"


@dataclass(frozen=True)
class Held:
    """An entry in this worker's pending list."""

    entry_id: str
    deliveries: int
    """Times it was taken up since it was given to this worker."""


@dataclass
class AssignmentReader:
    redis: Redis
    """A client for blocking reads (its socket timeout outlasts ``block_ms``)."""
    stream: str
    consumer: str
    wake_key: str
    block_ms: int = 2000
    max_deliveries: int = 0
    """Entries taken up this many times without being handled go to ``on_poison`` (0: no
    limit)."""
    on_poison: PoisonHandler | None = None
    recheck_ms: int = 20000
    """With no wake, the pending list is listed again after this long all the same (an idle
    worker's cost is then one ``BLPOP`` per ``block_ms``, not a listing around each)."""
    _last_look: float = -float("inf")

    async def start(self) -> None:
        await ensure_group(self.redis, self.stream, WORKER_GROUP)

    async def held(self) -> list[Held]:
        """What this worker holds now, oldest first."""
        try:
            rows = await self.redis.xpending_range(
                self.stream, WORKER_GROUP, "-", "+", HELD_MAX, consumername=self.consumer
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self.start()
            return []
        return [Held(str(r["message_id"]), int(r["times_delivered"])) for r in rows]

    async def take(self, entry_id: str) -> Entry | None:
        """The entry, read from this worker's own pending list (a delivery counted); ``None``
        when it is not there any more (taken back, or ended: then the read counted a delivery
        of the next entry this worker holds, if any, which only brings its guard one
        attempt nearer)."""
        reply = await self.redis.xreadgroup(
            WORKER_GROUP, self.consumer, {self.stream: before(entry_id)}, count=1
        )
        entries = entries_of(reply)  # type: ignore[arg-type]
        return entries[0] if entries and entries[0][0] == entry_id else None

    async def fields(self, entry_id: str) -> dict[str, str]:
        """The entry's fields, read without counting a delivery."""
        found = await self.redis.xrange(self.stream, entry_id, entry_id)
        return {str(k): str(v) for k, v in (found[0][1] or {}).items()} if found else {}

    async def wait(self) -> bool:
        """Until the scheduler gives this worker a group (True), or ``block_ms`` passed."""
        if await self.redis.blpop([self.wake_key], timeout=self.block_ms / 1000):
            await self.redis.delete(self.wake_key)  # one look at the list serves every wake
            return True
        return False

    async def nudge(self) -> None:
        """Wake this worker's own :meth:`wait` (an entry it skipped may be taken up now)."""
        await self.redis.rpush(self.wake_key, "1")

    async def read(
        self, limit: int = 1, *, block: bool = True, skip: Callable[[str], bool] = lambda _: False
    ) -> list[Entry]:
        """Up to ``limit`` entries this worker holds and ``skip`` does not exclude (a lane
        runs them, or they wait for a retry), each taken up; those taken up too often go to
        ``on_poison`` instead. With nothing to take, wait for a wake (``block``) first."""
        out: list[Entry] = []
        if self._due() or not block:
            out = await self._take(limit, skip)
        if not out and block:
            woken = await self.wait()
            if woken or self._due():
                out = await self._take(limit, skip)
        return out

    def _due(self) -> bool:
        return time.monotonic() - self._last_look >= self.recheck_ms / 1000

    def _look_again(self) -> None:
        """The next read lists the pending list first: a look that took an entry may have
        left others (one wake was read for several)."""
        self._last_look = -float("inf")

    async def _take(self, limit: int, skip: Callable[[str], bool]) -> list[Entry]:
        self._last_look = time.monotonic()
        candidates = [h for h in await self.held() if not skip(h.entry_id)]
        limit_hit = self.max_deliveries > 0 and self.on_poison is not None
        over = [h for h in candidates if limit_hit and h.deliveries >= self.max_deliveries]
        if over and self.on_poison is not None:
            found = [((h.entry_id, await self.fields(h.entry_id)), h.deliveries) for h in over]
            await self.on_poison(found)
        out: list[Entry] = []
        for h in candidates:
            if len(out) >= limit:
                break
            if h in over:
                continue
            entry = await self.take(h.entry_id)
            if entry is not None:
                out.append(entry)
        if out or over:
            self._look_again()
        return out
