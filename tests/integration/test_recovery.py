"""Scheduler recovery and keeping the store bounded, on a real Redis."""

from __future__ import annotations

from qgjob_store import JobStore, SchedulerStore, Store
from qgjob_store.ids import new_id
from qgjob_store.maintenance import housekeeping, trim_consumed
from tests.integration.helpers import group_all, scheduler_reader, submit


async def test_another_scheduler_takes_over_unacked_submissions(store: Store) -> None:
    jobs = await submit(store, 4)
    crashed = scheduler_reader(store, "s1")
    await crashed.start()
    assert len(await crashed.read(block=False)) == 4  # read, then the process dies
    survivor = scheduler_reader(store, "s2")
    await survivor.start()
    assert await survivor.read(block=False) == []  # nothing new for s2
    claimed = await survivor.claim_stale(0)
    assert len(claimed) == 4
    await SchedulerStore(store).join(claimed, 50)
    for job in jobs:
        got = await JobStore(store).get(job.id)
        assert got is not None
        assert got.status.value == "scheduled"
    pending = await store.redis.xpending(store.keys.jobs_stream(), "schedulers")
    assert pending["pending"] == 0


async def test_trimming_keeps_every_entry_still_pending_or_undelivered(store: Store) -> None:
    await submit(store, 6)
    reader = scheduler_reader(store)
    await reader.start()
    reader.count = 4
    first = await reader.read(block=False)
    await SchedulerStore(store).join(first[:2], 50)  # 2 acked, 2 pending, 2 undelivered
    removed = await trim_consumed(store, store.keys.jobs_stream(), "schedulers")
    assert removed == 2
    left = [eid for eid, _ in await store.redis.xrange(store.keys.jobs_stream())]
    assert left[:2] == [e for e, _ in first[2:]]
    assert len(left) == 4
    rest = await reader.read(block=False)
    await SchedulerStore(store).join(first[2:] + rest, 50)
    assert await trim_consumed(store, store.keys.jobs_stream(), "schedulers") == 4
    assert await store.redis.xlen(store.keys.jobs_stream()) == 0


async def test_housekeeping_drops_index_entries_past_retention(store: Store) -> None:
    await submit(store, 2)
    old = new_id(now=1_000_000.0)
    await store.redis.zadd(store.keys.idx_all(), {old: 0})
    await store.redis.zadd(store.keys.idx_org("org1"), {old: 0})
    await group_all(store)
    removed = await housekeeping(store, retention_s=3600)
    assert removed["indexes"] == 2
    assert removed["jobs"] == 2
    assert await store.redis.zcard(store.keys.idx_all()) == 2
