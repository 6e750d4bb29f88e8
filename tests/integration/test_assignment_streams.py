"""What a running platform shows in its assignment streams, on a real redis-server: each
target's stream has the consumer group ``workers``; its consumers are the workers, each
holding the entries of the groups it holds, and the holding consumer with the groups
waiting; a takeover moves the entry into the new worker's pending list; and what KEDA asks
for follows the groups waiting plus held."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qgjob_schemas import Target
from qgjob_store import HOLDING_CONSUMER, WORKER_GROUP, JobStore, Store
from tests.integration.helpers import held_by, read_and_acquire, register
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
    """``XINFO CONSUMERS`` of the target's stream: what each consumer holds (when it does)."""
    rows = await store.redis.xinfo_consumers(store.keys.assign(target), WORKER_GROUP)
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
