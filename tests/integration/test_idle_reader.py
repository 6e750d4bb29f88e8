"""An idle worker's reads: one blocking wait per ``block_ms``; its pending list is listed at
start, on each wake, and every ``recheck_ms`` as a safety net, not around every wait."""

from __future__ import annotations

import time

from qgjob_store import Store, WorkerStore
from tests.integration.helpers import give, group_all, register, submit


async def _calls(store: Store, *commands: str) -> dict[str, int]:
    stats = await store.redis.info("commandstats")
    return {c: int(stats.get(f"cmdstat_{c}", {}).get("calls", 0)) for c in commands}


async def test_an_idle_reader_waits_without_listing_its_pending_list(store: Store) -> None:
    reader = WorkerStore(store, "w1", "emulator").reader(store, block_ms=50)
    reader.recheck_ms = 60_000
    await reader.start()
    before = await _calls(store, "xpending", "blpop")
    for _ in range(5):
        assert await reader.read() == []
    after = await _calls(store, "xpending", "blpop")
    assert after["blpop"] - before["blpop"] == 5
    assert after["xpending"] - before["xpending"] == 1  # the first look only
    # a group given to it: the wake is seen at once, the list is looked at, the entry taken
    await submit(store, 1)
    (gid,) = await group_all(store)
    await register(store, "w1")
    assert await give(store, gid, "w1") == [gid]
    started = time.monotonic()
    (entry,) = await reader.read()
    assert entry[1]["group"] == gid
    assert time.monotonic() - started < 1.0


async def test_an_entry_without_a_wake_is_found_by_the_recheck(store: Store) -> None:
    reader = WorkerStore(store, "w1", "emulator").reader(store, block_ms=50)
    reader.recheck_ms = 200
    await reader.start()
    assert await reader.read() == []
    await submit(store, 1)
    (gid,) = await group_all(store)
    await register(store, "w1")
    assert await give(store, gid, "w1") == [gid]
    await store.redis.delete(store.keys.worker_wake("w1"))  # the wake is lost
    deadline = time.monotonic() + 5
    found: list[tuple[str, dict[str, str]]] = []
    while not found and time.monotonic() < deadline:
        found = await reader.read()
    assert [fields["group"] for _, fields in found] == [gid]
