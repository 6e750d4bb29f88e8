"""Recovery among thousands of workers, on a real Redis: a recover call runs a bounded number
of commands whatever the number of workers, and still finds, within a call or two, the
worker that died, the lease that lapsed, the worker unhealthy too long; a worker the indexes
do not know (registered before they existed) is found by the sweep within a cycle."""

from __future__ import annotations

from typing import Any

from qgjob_store import SchedulerStore, Store
from qgjob_store.execution import WorkerStore
from tests.integration.helpers import give, group_all, read_and_acquire, register, submit
from tests.support.waiting import async_wait_until

MANY = 3000
SWEEP = 50  # workers the sweep reads per call (recover.lua)
NOT_COUNTED = {"cmdstat_info", "cmdstat_evalsha", "cmdstat_eval"}


async def beat_many(store: Store, n: int, *, start: int = 0, ttl_ms: int = 60_000) -> None:
    """``n`` live idle workers, registered as their heartbeats register them."""
    for low in range(start, start + n, 500):
        async with store.redis.pipeline(transaction=False) as pipe:
            for i in range(low, min(low + 500, start + n)):
                options = {"worker": f"idle{i}", "target": "emulator", "state": "idle",
                           "ttl_ms": ttl_ms, "capacity": 1, "versions": "[]",
                           "lease_ms": 30000, "detail": ""}  # fmt: skip
                await store.scripts.run("heartbeat", options, client=pipe)
            await pipe.execute()


async def _calls(store: Store) -> dict[str, int]:
    info: dict[str, Any] = await store.redis.info("commandstats")
    return {k: int(v["calls"]) for k, v in info.items() if k not in NOT_COUNTED}


async def commands_of_recover(store: Store) -> tuple[int, list[str]]:
    """How many commands one recover call ran (INFO commandstats counts those a script
    calls), and what it took back."""
    before = await _calls(store)
    taken = await SchedulerStore(store).recover()
    after = await _calls(store)
    return sum(n - before.get(k, 0) for k, n in after.items()), taken


async def server_time(store: Store) -> float:
    s, us = await store.redis.time()
    return s + us / 1_000_000


async def due_in(store: Store, key: str, member: str) -> bool:
    """Whether ``member`` of index ``key`` is due (its score passed on the server's clock)."""
    score = await store.redis.zscore(key, member)
    return score is not None and score <= await server_time(store)


async def recover_until(store: Store, gid: str, calls: int) -> int:
    """Call recover until it takes ``gid`` back; returns how many calls it took (fails after
    ``calls``)."""
    sched = SchedulerStore(store)
    for n in range(1, calls + 1):
        if gid in await sched.recover():
            return n
    raise AssertionError(f"{gid} not taken back in {calls} calls")


async def test_a_recover_call_costs_the_same_at_a_hundred_and_at_thousands_of_workers(
    store: Store,
) -> None:
    await beat_many(store, 100)
    small = max([(await commands_of_recover(store))[0] for _ in range(3)])
    await beat_many(store, MANY - 100, start=100)
    big = [await commands_of_recover(store) for _ in range(5)]
    assert all(taken == [] for _, taken in big)
    most = max(n for n, _ in big)
    print(f"commands per recover call: {small} at 100 workers, {most} at {MANY}")
    # the sweep reads about SWEEP workers (SSCAN's count is a hint), a few commands each
    assert most <= small * 1.3 + 20
    assert most < 6 * SWEEP


async def test_a_worker_whose_heartbeat_lapsed_among_thousands_loses_its_dispatched_group(
    store: Store,
) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    ws = WorkerStore(store, "gone", "emulator")
    await ws.heartbeat("idle", ttl_ms=300)
    assert await give(store, gid, "gone") == [gid]
    assert await SchedulerStore(store).recover() == []  # alive: it keeps it

    async def lapsed() -> bool:
        return not await store.redis.exists(store.keys.heartbeat("gone")) and await due_in(
            store, store.keys.worker_deadlines(), "gone"
        )

    await async_wait_until(lapsed, timeout=10, what="the heartbeat lapsed")
    assert await recover_until(store, gid, 2) <= 2
    assert await store.redis.hget(store.keys.group(gid), "state") == "open"
    # a worker gone leaves the index (its next heartbeat puts it back)
    assert await store.redis.zscore(store.keys.worker_deadlines(), "gone") is None


async def test_an_expired_lease_among_thousands_is_found(store: Store) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    await register(store, "holder", lease_ms=300)
    assert await give(store, gid, "holder") == [gid]
    lease = await read_and_acquire(store, "holder")
    assert await SchedulerStore(store).recover() == []  # within its lease

    async def lapsed() -> bool:
        rows = await store.redis.xpending_range(
            store.keys.assign("emulator"), "workers", lease.entry_id, lease.entry_id, 1,
            consumername="holder", idle=300,
        )  # fmt: skip
        return bool(rows) and await due_in(store, store.keys.lease_deadlines(), gid)

    await async_wait_until(lapsed, timeout=10, what="the lease lapsed")
    assert await recover_until(store, gid, 2) <= 2
    assert await store.redis.zscore(store.keys.lease_deadlines(), gid) is None


async def test_a_renewed_lease_is_kept_among_thousands(store: Store) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    ws = await register(store, "holder", lease_ms=300)
    assert await give(store, gid, "holder") == [gid]
    lease = await read_and_acquire(store, "holder")
    first = await store.redis.zscore(store.keys.lease_deadlines(), gid)
    assert first is not None

    async def renewed_later() -> bool:
        assert await ws.renew(lease)
        assert await SchedulerStore(store).recover() == []
        score = await store.redis.zscore(store.keys.lease_deadlines(), gid)
        return score is not None and score > first + 0.3

    await async_wait_until(renewed_later, timeout=10, what="the lease renewed past its first")


async def test_a_worker_unhealthy_longer_than_its_lease_among_thousands_loses_its_run(
    store: Store,
) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    ws = await register(store, "sick", lease_ms=400)
    assert await give(store, gid, "sick") == [gid]
    lease = await read_and_acquire(store, "sick")
    await ws.heartbeat("unhealthy", ttl_ms=60_000, lease_ms=400)
    since = float(await store.redis.hget(store.keys.worker("sick"), "unhealthy_since") or 0)
    sched = SchedulerStore(store)
    assert await sched.recover() == []  # within its lease it may still give the group back
    after_lease: list[int] = []

    async def taken_back() -> bool:
        assert await ws.renew(lease) or lease.lost  # it renews all along
        await ws.heartbeat("unhealthy", ttl_ms=60_000, lease_ms=400)
        past = await server_time(store) > since + 0.4
        taken = gid in await sched.recover()
        if past:
            after_lease.append(1)
        return taken

    await async_wait_until(taken_back, timeout=10, what="the group taken back")
    assert 1 <= len(after_lease) <= 2  # not before its lease ran out, and at once after
    assert await store.redis.hget(store.keys.group(gid), "state") == "open"


async def test_a_worker_the_indexes_do_not_know_is_found_by_the_sweep(store: Store) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    await register(store, "old")
    assert await give(store, gid, "old") == [gid]
    # as after an upgrade: no index, no cursor; and the worker is gone since
    for key in (
        store.keys.worker_deadlines(),
        store.keys.unhealthy_workers(),
        store.keys.lease_deadlines(),
        store.keys.recover_cursor(),
    ):
        await store.redis.delete(key)
    await store.redis.delete(store.keys.heartbeat("old"))
    workers = MANY + 1
    assert await recover_until(store, gid, workers // SWEEP + 1) <= workers // SWEEP + 1
    # and the sweep put the live workers back in the index of deadlines
    sched = SchedulerStore(store)

    async def reindexed() -> bool:
        await sched.recover()
        return await store.redis.zcard(store.keys.worker_deadlines()) == MANY

    await async_wait_until(reindexed, timeout=30, what="every live worker indexed again")


async def test_a_lease_the_index_does_not_know_is_found_by_the_sweep(store: Store) -> None:
    await beat_many(store, MANY)
    await submit(store, 2)
    (gid,) = await group_all(store)
    await register(store, "old", lease_ms=300)
    assert await give(store, gid, "old") == [gid]
    lease = await read_and_acquire(store, "old")
    await store.redis.delete(store.keys.lease_deadlines(), store.keys.recover_cursor())

    async def lapsed() -> bool:
        rows = await store.redis.xpending_range(
            store.keys.assign("emulator"), "workers", lease.entry_id, lease.entry_id, 1,
            consumername="old", idle=300,
        )  # fmt: skip
        return bool(rows)

    await async_wait_until(lapsed, timeout=10, what="the lease lapsed")
    workers = MANY + 1
    assert await recover_until(store, gid, workers // SWEEP + 1) <= workers // SWEEP + 1
