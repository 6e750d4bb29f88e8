"""Recovery through its indexes on the embedded store (fakeredis runs the same scripts)."""

from __future__ import annotations

from qgjob_store import SchedulerStore, Store
from qgjob_store.execution import WorkerStore
from tests.integration.helpers import give, group_all, read_and_acquire, register, submit
from tests.support.waiting import async_wait_until


async def test_a_worker_gone_loses_its_dispatched_group(mem_store: Store) -> None:
    await submit(mem_store, 2)
    (gid,) = await group_all(mem_store)
    await WorkerStore(mem_store, "w1", "emulator").heartbeat("idle", ttl_ms=100)
    assert await give(mem_store, gid, "w1") == [gid]
    sched = SchedulerStore(mem_store)
    assert await sched.recover() == []

    async def taken() -> bool:
        return gid in await sched.recover()

    await async_wait_until(taken, timeout=10, what="the group taken back")
    assert await mem_store.redis.zscore(mem_store.keys.worker_deadlines(), "w1") is None


async def test_a_lapsed_lease_is_found_and_a_renewed_one_kept(mem_store: Store) -> None:
    await submit(mem_store, 2)
    (gid,) = await group_all(mem_store)
    ws = await register(mem_store, "w1", lease_ms=200)
    assert await give(mem_store, gid, "w1") == [gid]
    lease = await read_and_acquire(mem_store, "w1")
    assert await mem_store.redis.zscore(mem_store.keys.lease_deadlines(), gid) is not None
    assert await ws.renew(lease)
    sched = SchedulerStore(mem_store)
    assert await sched.recover() == []

    async def taken() -> bool:
        return gid in await sched.recover()

    await async_wait_until(taken, timeout=10, what="the lapsed lease taken back")
    assert await mem_store.redis.zscore(mem_store.keys.lease_deadlines(), gid) is None


async def test_an_unhealthy_worker_is_indexed_until_healthy_again(mem_store: Store) -> None:
    ws = await register(mem_store, "w1")
    await ws.heartbeat("unhealthy", ttl_ms=60_000)
    since = float(await mem_store.redis.hget(mem_store.keys.worker("w1"), "unhealthy_since") or 0)
    assert await mem_store.redis.zscore(mem_store.keys.unhealthy_workers(), "w1") == since
    await SchedulerStore(mem_store).recover()  # looked at: next when its lease would run out
    assert await mem_store.redis.zscore(mem_store.keys.unhealthy_workers(), "w1") > since + 29
    await ws.heartbeat("idle", ttl_ms=60_000)
    assert await mem_store.redis.zscore(mem_store.keys.unhealthy_workers(), "w1") is None
