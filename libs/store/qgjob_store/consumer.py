"""Reading a stream through a consumer group, the same way in every service.

The reader creates its group at start (ignoring only ``BUSYGROUP``), first re-reads its own
pending entries (what it read before a crash and never acked; once through, page by page),
then reads new entries with ``BLOCK`` and ``COUNT``. It never acks: the handler's Lua
script acks in the same step as the state change, so an entry is acked only after its
effect is stored.

The last guard against a stream wedged by an entry nothing can handle: entries read again
(its own pending ones, or claimed from another consumer) whose delivery count passed
``max_deliveries`` go to ``on_poison`` (which dead-letters them) instead of the handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import ResponseError

Entry = tuple[str, dict[str, str]]
PoisonHandler = Callable[[list[tuple[Entry, int]]], Awaitable[set[str]]]
"""Takes entries with their delivery counts; returns the ids it dead-lettered."""


async def ensure_group(redis: Redis, stream: str, group: str) -> None:
    """Create ``group`` on ``stream`` (and the stream) unless it exists."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


@dataclass
class StreamReader:
    redis: Redis
    stream: str
    group: str
    consumer: str
    count: int = 100
    block_ms: int = 2000
    max_deliveries: int = 0
    """Entries delivered more often than this go to ``on_poison`` (0: no limit)."""
    on_poison: PoisonHandler | None = None
    _recovering: bool = field(default=True, init=False)
    _pending_after: str = field(default="0", init=False)

    async def start(self) -> None:
        await ensure_group(self.redis, self.stream, self.group)
        self.recover()

    def recover(self) -> None:
        """Re-read this consumer's unacked entries next (after a failed batch)."""
        self._recovering = True
        self._pending_after = "0"

    async def read(self, *, block: bool = True) -> list[Entry]:
        """The next batch: first this consumer's own unacked entries (each once), then new
        ones."""
        if self._recovering:
            entries = await self._xread(self._pending_after, block=False)
            if entries:
                self._pending_after = entries[-1][0]
                return await self._screen(entries)
            self.recover()
            self._recovering = False
        return await self._xread(">", block=block)

    async def _xread(self, last_id: str, *, block: bool) -> list[Entry]:
        try:
            reply = await self.redis.xreadgroup(
                self.group,
                self.consumer,
                {self.stream: last_id},
                count=self.count,
                block=self.block_ms if block else None,
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await ensure_group(self.redis, self.stream, self.group)
            return []
        return entries_of(reply)  # type: ignore[arg-type]

    async def claim_stale(self, min_idle_ms: int, count: int | None = None) -> list[Entry]:
        """Take over entries other consumers left pending longer than ``min_idle_ms``."""
        reply = await self.redis.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=min_idle_ms,
            start_id="0-0",
            count=count or self.count,
        )
        return await self._screen([(eid, fields) for eid, fields in reply[1] if fields is not None])

    async def _screen(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` without those delivered too often (handed to ``on_poison``)."""
        if not entries or self.max_deliveries <= 0 or self.on_poison is None:
            return entries
        ids = sorted(entries, key=lambda e: _id_key(e[0]))
        rows = await self.redis.xpending_range(
            self.stream,
            self.group,
            min=ids[0][0],
            max=ids[-1][0],
            count=len(entries) + self.count,
            consumername=self.consumer,
        )
        counts = {str(r["message_id"]): int(r["times_delivered"]) for r in rows}
        over = [(e, counts[e[0]]) for e in entries if counts.get(e[0], 0) > self.max_deliveries]
        if not over:
            return entries
        gone = await self.on_poison(over)
        return [e for e in entries if e[0] not in gone]


def _id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def entries_of(reply: list[list[object]] | None) -> list[Entry]:
    """An XREADGROUP reply (RESP2, see :func:`connect`) as ``[(id, fields)]``."""
    out: list[Entry] = []
    for _stream, batch in reply or []:
        for eid, fields in batch:  # type: ignore[attr-defined]
            out.append((eid, fields or {}))
    return out
