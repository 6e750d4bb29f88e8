"""The dead-letter stream (and each org's copy of its entries, same ids): listing what is
still dead, and removing or requeueing entries one by one or in bulk. A job's current entry is
named on its record (``dead_entry``); an entry whose job was requeued since, or died again, is
superseded and not listed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.exceptions import ResponseError

from qgjob_schemas import DeadLetter, DeadLetterBatch, DeadLetterSkip
from qgjob_store.codec import dead_letter_from_entry
from qgjob_store.events import parse_id
from qgjob_store.store import Store

SCAN_CHUNK = 500
"""Entries read per round trip when a listing or a bulk action walks the stream."""


class DeadLetterStore:
    def __init__(self, store: Store) -> None:
        self._s = store
        self._r = store.redis
        self._k = store.keys

    async def _current(
        self, entries: list[tuple[str, dict[str, str]]]
    ) -> list[tuple[DeadLetter, bool]]:
        """Each entry as a dead letter with its test path, and whether it is still current:
        a poison entry, an entry whose job record expired, or the entry its dead job names
        (records from before ``dead_entry`` existed: any entry of a dead job)."""
        async with self._r.pipeline(transaction=False) as pipe:
            for _, fields in entries:
                job = fields.get("job")
                pipe.hmget(self._k.job(job or "-"), ["status", "test_path", "dead_entry"])
            # a poison entry may name a key that is no job hash (WRONGTYPE): no record then
            replies: list[object] = await pipe.execute(raise_on_error=False)
        out = []
        for (entry_id, fields), reply in zip(entries, replies, strict=True):
            status, test_path, current = reply if isinstance(reply, list) else (None, None, None)
            letter = dead_letter_from_entry(entry_id, fields)
            if letter.job_id is None or status is None:
                out.append((letter, True))
                continue
            letter.test_path = test_path
            live = status == "dead" and current in (None, "", entry_id)
            out.append((letter, live))
        return out

    async def _walk(
        self, org_id: str | None, upper: str = "+"
    ) -> AsyncIterator[tuple[DeadLetter, bool]]:
        """Every entry newest first (of one org when ``org_id``), with its currency."""
        while True:
            entries: list[tuple[str, dict[str, str]]] = await self._r.xrevrange(  # type: ignore[assignment]
                self._k.dead(org_id), upper, "-", count=SCAN_CHUNK
            )
            if not entries:
                return
            mine = [(i, f) for i, f in entries if org_id is None or f.get("org") == org_id]
            for item in await self._current(mine):
                yield item
            upper = f"({entries[-1][0]}"

    async def page(
        self, *, org_id: str | None = None, limit: int = 50, before: str | None = None
    ) -> list[DeadLetter]:
        """Current dead letters newest first, optionally of one org."""
        if before is not None and parse_id(before) == (0, 0):
            return []  # nothing is older than the first id
        out: list[DeadLetter] = []
        async for letter, live in self._walk(org_id, f"({before}" if before else "+"):
            if live:
                out.append(letter)
                if len(out) == limit:
                    break
        return out

    async def get(self, entry_id: str) -> DeadLetter | None:
        entries: list[tuple[str, dict[str, str]]] = await self._r.xrange(  # type: ignore[assignment]
            self._k.dead(), entry_id, entry_id
        )
        if not entries:
            return None
        ((letter, _),) = await self._current(entries)
        return letter

    async def remove(self, letter: DeadLetter) -> bool:
        """Take one entry off the list, and its org's copy (its job, if any, stays as it is)."""
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.xdel(self._k.dead(), letter.id)
            if letter.org_id:
                pipe.xdel(self._k.dead(letter.org_id), letter.id)
            removed = await pipe.execute()
        return any(removed)

    async def select(
        self, org_id: str | None, ids: list[str] | None
    ) -> tuple[list[DeadLetter], list[DeadLetterSkip]]:
        """The current dead letters named by ``ids`` (entry or job ids; ``None``: all) that
        ``org_id`` may touch, and a skip for each named one not found."""
        wanted = None if ids is None else set(ids)
        found: list[DeadLetter] = []
        seen: set[str] = set()
        async for letter, live in self._walk(org_id):
            if not live:
                continue
            if wanted is None or letter.id in wanted or letter.job_id in wanted:
                found.append(letter)
                seen.update(x for x in (letter.id, letter.job_id) if x)
        skips = [
            DeadLetterSkip(id=i, reason="no such dead letter") for i in (ids or []) if i not in seen
        ]
        return found, skips

    async def purge(self, org_id: str | None, ids: list[str] | None) -> DeadLetterBatch:
        letters, skipped = await self.select(org_id, ids)
        removed = [d.id for d in letters if await self.remove(d)]
        return DeadLetterBatch(removed=removed, skipped=skipped)

    async def requeue(self, org_id: str | None, ids: list[str] | None) -> DeadLetterBatch:
        """Requeue the selected jobs; poison entries are skipped (there is no job to run)."""
        letters, skipped = await self.select(org_id, ids)
        batch = DeadLetterBatch(skipped=skipped)
        for d in letters:
            if d.job_id is None:
                batch.skipped.append(DeadLetterSkip(id=d.id, reason="poison entry: no job"))
                continue
            try:
                outcome, status = await self._s.scripts.run("requeue", d.job_id)
            except ResponseError:  # a poison entry naming a key that is no job hash
                batch.skipped.append(DeadLetterSkip(id=d.id, reason="no usable job record"))
                continue
            if outcome == "requeued":
                await self.remove(d)  # an entry the record did not name (older records)
                batch.requeued.append(d.job_id)
                batch.removed.append(d.id)
            else:
                reason = f"job is {status}, not dead" if status else "job record expired"
                batch.skipped.append(DeadLetterSkip(id=d.id, reason=reason))
        return batch
