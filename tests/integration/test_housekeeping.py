"""Housekeeping and indexes: scheduler consumers idle long and holding nothing leave the
jobs stream's group (never one that still holds entries), live jobs stay listed however old, and the
groups a split makes are listed like any other."""

from __future__ import annotations

import time

from qgjob_store import GroupStore, JobStore, SchedulerStore, Store
from qgjob_store.consumer import ensure_group
from qgjob_store.keys import WORKER_GROUP
from qgjob_store.maintenance import forget_workers, housekeeping, prune, trim_indexes
from tests.integration.helpers import give, group_all, register, scheduler_reader, submit
from tests.support.waiting import async_wait_until


async def _consumers(store: Store) -> set[str]:
    rows = await store.redis.xinfo_consumers(store.keys.jobs_stream(), "schedulers")
    return {r["name"] for r in rows}


async def test_consumers_of_gone_schedulers_leave_the_group_but_not_one_holding_entries(
    store: Store,
) -> None:
    await submit(store, 1)
    holding = scheduler_reader(store, "host-1")  # read a submission and died before grouping
    await holding.start()
    assert len(await holding.read(block=False)) == 1
    gone = scheduler_reader(store, "host-2")  # read nothing and died
    assert await gone.read(block=False) == []
    assert await _consumers(store) == {"host-1", "host-2"}

    async def pruned() -> bool:
        await housekeeping(store, 3600, forget_consumers_s=0.3)
        return "host-2" not in await _consumers(store)

    await async_wait_until(pruned, timeout=10, what="the gone consumer removed")
    assert await _consumers(store) == {"host-1"}
    pending = await store.redis.xpending(store.keys.jobs_stream(), "schedulers")
    assert pending["pending"] == 1  # host-1's entry is still there to be claimed
    # a scheduler that was only quiet that long (it held nothing) reads on as before
    (later,) = await submit(store, 1)
    again = await gone.read(block=False)
    assert [e[1]["job"] for e in again] == [later.id]
    assert await _consumers(store) == {"host-1", "host-2"}


async def test_housekeeping_keeps_live_jobs_listed_however_old(store: Store) -> None:
    live, finished = await submit(store, 2)
    await store.redis.delete(store.keys.job(finished.id))  # its record expired
    later = time.time() + 30 * 86400  # both are now older than the retention
    assert await trim_indexes(store, 86400, now=later) == 2  # the gone one, from both indexes
    for org in (None, "org1"):
        page = await JobStore(store).page(org_id=org)
        assert [j.id for j in page.items] == [live.id]
    assert await store.redis.zrange(store.keys.idx_org("org1"), 0, -1) == [live.id]


async def test_a_group_made_by_a_split_is_listed(store: Store) -> None:
    await submit(store, 4)
    (gid,) = await group_all(store)
    await register(store, "w1")
    await register(store, "w2")
    assert await give(store, gid, "w1") == [gid]
    (split,) = await give(store, gid, "w2", take=2)
    assert split != gid
    for org in (None, "org1"):
        listed = {g.id for g in (await GroupStore(store).page(org_id=org)).items}
        assert listed == {gid, split}
    assert (await SchedulerStore(store).snapshot(["emulator"])).groups


async def test_workers_gone_long_are_forgotten_a_chunk_of_the_registry_per_call(
    store: Store,
) -> None:
    gone, live = 700, 5
    for i in range(gone + live):
        await register(store, f"w{i}")
    for i in range(gone):
        await store.redis.delete(store.keys.heartbeat(f"w{i}"))
        await store.redis.hset(store.keys.worker(f"w{i}"), "heartbeat", "1000.000000")
    before = (await store.redis.info("commandstats"))["cmdstat_evalsha"]["calls"]
    assert await forget_workers(store, 60) == gone
    calls = (await store.redis.info("commandstats"))["cmdstat_evalsha"]["calls"] - before
    assert calls >= 3  # the registry of 705 is read 200 at a time
    assert await store.redis.smembers(store.keys.workers()) == {
        f"w{i}" for i in range(gone, gone + live)
    }
    assert await forget_workers(store, 60) == 0


async def test_pruning_goes_through_every_pending_assignment_a_page_a_call(store: Store) -> None:
    # more stray entries than one call looks at: each call takes a page and says where to go
    # on, and the gone worker's consumer leaves once its last entry is settled
    stream = store.keys.assign("emulator")
    await ensure_group(store.redis, stream, WORKER_GROUP)
    n = 1234
    async with store.redis.pipeline(transaction=False) as pipe:
        for i in range(n):
            pipe.xadd(stream, {"group": f"g-none-{i}"})
        await pipe.execute()
    await store.redis.xreadgroup(WORKER_GROUP, "gone", {stream: ">"})
    calls: list[str] = []
    run = store.scripts.run

    async def counted(name: str, *args: object, **kw: object) -> object:
        if name == "prune" and args[1] == "emulator":
            calls.append(str(args[2]))
        return await run(name, *args, **kw)  # type: ignore[arg-type]

    store.scripts.run = counted  # type: ignore[method-assign]
    assert await prune(store, -1) == (1, n)  # the consumer "gone", every entry
    assert len(calls) == 3 and calls[0] == "-"  # pages of 500: 500, 500, 234
    assert (await store.redis.xpending(stream, WORKER_GROUP))["pending"] == 0
    rows = await store.redis.xinfo_consumers(stream, WORKER_GROUP)
    assert "gone" not in {r["name"] for r in rows}
    assert await store.redis.xlen(store.keys.dead()) == n
