"""What a running platform shows in its assignment streams, on a real redis-server: each
target's stream has the consumer group ``workers``; its consumers are the workers, each
holding the entries of the groups it holds, and the holding consumer with the groups
waiting; a takeover moves the entry into the new worker's pending list; what KEDA asks for
follows the groups waiting plus held; and housekeeping keeps the streams bounded."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.exceptions import ResponseError

from qgjob_schemas import Target
from qgjob_store import (
    HOLDING_CONSUMER,
    WORKER_GROUP,
    JobStore,
    SchedulerStore,
    Store,
    WorkerStore,
)
from qgjob_store.maintenance import forget_workers, housekeeping
from tests.integration.helpers import (
    dispatch_and_acquire,
    give,
    group_all,
    held_by,
    passed,
    raw_assignment,
    read_and_acquire,
    register,
    submit,
)
from tests.support.inprocess import Pipeline, payload
from tests.support.keda import desired_replicas, scaled_object
from tests.support.manifests import load
from tests.support.waiting import async_wait_until

MANIFESTS = load()
GHOST_LEASE_MS = 300


@pytest.fixture
async def pipe(redis_url: str, prefix: str) -> AsyncIterator[Pipeline]:
    p = Pipeline(redis_url, prefix)
    try:
        yield p
    finally:
        await p.close()


async def consumers(store: Store, target: str) -> dict[str, int]:
    """``XINFO CONSUMERS`` of the target's stream: what each consumer holds (when it does;
    nothing before the scheduler made the stream)."""
    try:
        rows = await store.redis.xinfo_consumers(store.keys.assign(target), WORKER_GROUP)
    except ResponseError as exc:
        if "no such key" not in str(exc):
            raise
        return {}
    return {r["name"]: int(r["pending"]) for r in rows if int(r["pending"])}


async def groups(store: Store, target: str) -> list[tuple[str, int, int]]:
    """``XINFO GROUPS`` of the target's stream: (name, pending, lag) of each group."""
    rows = await store.redis.xinfo_groups(store.keys.assign(target))
    return [(r["name"], int(r["pending"]), int(r["lag"] or 0)) for r in rows]


async def keda_replicas(store: Store, target: str) -> int:
    """What KEDA asks for from one worker, given the stream's pending count."""
    spec = scaled_object(MANIFESTS, f"qgjob-worker-{target}")
    pending = await store.redis.xpending(store.keys.assign(target), WORKER_GROUP)
    return desired_replicas(spec, int(pending["pending"]), 1)


async def test_the_streams_show_what_waits_and_who_holds_what_and_a_takeover_moves_it(
    pipe: Pipeline,
) -> None:
    store = pipe.store
    pipe.start_scheduler(recover_interval_ms=100)
    # a worker that beats once and takes one group by hand, then stops renewing its lease
    ghost = await register(store, "ghost", lease_ms=GHOST_LEASE_MS)
    jobs = await pipe.submit([payload(f"tests/hang{n}.spec.js", app=f"v{n}") for n in range(3)])
    (device_job,) = await pipe.submit([payload("tests/d.spec.js", app="D", target="device")])

    async def dispatched() -> bool:
        return await consumers(store, "emulator") == {HOLDING_CONSUMER: 2, "ghost": 1}

    await async_wait_until(dispatched, timeout=10, what="one group given to the only worker")
    assert await groups(store, "emulator") == [("workers", 3, 0)]
    assert await groups(store, "device") == [("workers", 1, 0)]
    assert await groups(store, "browserstack") == [("workers", 0, 0)]  # made at start
    assert await consumers(store, "device") == {HOLDING_CONSUMER: 1}
    # the holding consumer holds exactly the groups that wait, the worker the one it holds
    waiting = set(await held_by(store))
    records = {j.id: await pipe.job(j.id) for j in jobs}
    emulator_groups = {r.group_id for r in records.values()}
    assert len(emulator_groups) == 3 and waiting < emulator_groups
    (given,) = emulator_groups - waiting
    assert await held_by(store, "ghost") == [given]
    for gid in waiting:
        assert await store.redis.hget(store.keys.group(gid), "state") == "open"
    assert await store.redis.hmget(store.keys.group(given), ["state", "worker_id"]) == [
        "dispatched",
        "ghost",
    ]
    replicas = {t.value: await keda_replicas(store, t.value) for t in Target}
    assert replicas == {"emulator": 3, "device": 1, "browserstack": 1}  # waiting + held, min 1

    lease = await read_and_acquire(store, "ghost")  # it runs the group ... and goes silent
    assert lease.group_id == given
    live = pipe.start_worker("e2", capacity=3, drain_grace_s=0.1)

    async def taken_over() -> bool:
        return await consumers(store, "emulator") == {"e2": 3}

    await async_wait_until(taken_over, timeout=15, what="e2 to hold all three groups")
    assert await held_by(store, "ghost") == []  # its entry moved, by XCLAIM, to e2's list
    assert sorted(await held_by(store, "e2")) == sorted(emulator_groups)
    assert await store.redis.hget(store.keys.group(given), "worker_id") == "e2"
    assert not await ghost.renew(lease), "the old holder is fenced"

    async def all_running() -> bool:
        return (await JobStore(store).stats()).jobs_by_status["running"] == 3

    await async_wait_until(all_running, timeout=10, what="e2 to run a test of each group")
    assert await keda_replicas(store, "emulator") == 3  # all held now, none waiting
    assert await consumers(store, "device") == {HOLDING_CONSUMER: 1}
    assert live.lanes

    # the device group ends (cancelled while it waits): its entry is acked, nothing left
    await JobStore(store).cancel(device_job.id)
    assert await groups(store, "device") == [("workers", 0, 0)]
    assert await keda_replicas(store, "device") == 1


async def test_housekeeping_trims_at_the_oldest_group_and_lets_no_stray_entry_stay(
    store: Store,
) -> None:
    """The streams are trimmed at their oldest pending entry (the oldest group not done);
    an entry no group puts where it is pending is settled (dead-lettered), so it holds
    neither the trimming nor KEDA's count; a gone worker leaves the group only once its
    pending list is empty (deleting it sooner would drop what it holds)."""
    await submit(store, 1, app="A")
    await submit(store, 1, app="B")
    first, second = await group_all(store)
    lease = await dispatch_and_acquire(store, first)
    ws = WorkerStore(store, "w1", "emulator")
    (job,) = lease.jobs
    assert (await ws.start(lease, job.id)).ok
    await ws.finish(lease, job.id, passed())
    assert await ws.close(lease) is None  # the first group's entry is acked
    await register(store, "w9")
    stray = await raw_assignment(store, {"group": "g-none"}, worker="w9")
    await store.redis.delete(store.keys.heartbeat("w9"))
    await store.redis.hset(store.keys.worker("w9"), "heartbeat", "1000.000000")
    assert await forget_workers(store, 60) == 0  # w9 still holds an entry: it stays
    assert await consumers(store, "emulator") == {HOLDING_CONSUMER: 1, "w9": 1}
    assert await keda_replicas(store, "emulator") == 2  # the stray counts, for now

    removed = await housekeeping(store, 3600, forget_consumers_s=-1)  # any idle is enough
    assert (removed["stray_assignments"], removed["workers"], removed["assignments"]) == (1, 1, 1)
    letters = [f for _, f in await store.redis.xrange(store.keys.dead())]
    assert [(f["reason"], f["stream"], f["entry"]) for f in letters] == [
        ("poison", "assign", stray)
    ]
    rows = await store.redis.xinfo_consumers(store.keys.assign("emulator"), WORKER_GROUP)
    assert {r["name"] for r in rows} == {HOLDING_CONSUMER, "w1"}  # w9 gone, w1 registered
    assert await held_by(store) == [second]
    left = [eid for eid, _ in await store.redis.xrange(store.keys.assign("emulator"))]
    assert left[0] == await store.redis.hget(store.keys.group(second), "entry")
    assert stray in left  # newer than the oldest pending one: kept until that one goes
    assert await keda_replicas(store, "emulator") == 1


async def test_a_group_held_without_its_entry_is_taken_back_and_given_a_new_one(
    store: Store,
) -> None:
    """A group whose entry is not where its record says (held under an older version's
    per-worker streams, or its entry acked by hand) does not stay stranded: recover takes it
    back from its holder, and the next dispatch gives it a fresh entry."""
    await submit(store, 2)
    (gid,) = await group_all(store)
    await dispatch_and_acquire(store, gid, "w1")
    old = str(await store.redis.hget(store.keys.group(gid), "entry"))
    await store.redis.xack(store.keys.assign("emulator"), WORKER_GROUP, old)
    assert await SchedulerStore(store).recover() == [gid]
    assert await store.redis.hget(store.keys.group(gid), "state") == "open"
    await register(store, "w2")
    assert await give(store, gid, "w2") == [gid]
    new = await store.redis.hget(store.keys.group(gid), "entry")
    assert new != old and await held_by(store, "w2") == [gid]
    lease = await read_and_acquire(store, "w2")
    assert (lease.group_id, lease.entry_id, len(lease.jobs)) == (gid, new, 2)
