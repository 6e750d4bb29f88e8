"""An unhealthy worker is given no work, and what it holds goes back within a bounded time:
a group dispatched to it at once, a group it runs once it has been unhealthy longer than
its lease (its heartbeat and lease renewals would otherwise keep the group)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Job
from qgjob_store import JobStore, SchedulerStore, Store
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.integration.helpers import (
    dispatch_and_acquire,
    give,
    group_all,
    passed,
    register,
    submit,
)
from tests.integration.test_worker_health import Device, all_terminal
from tests.support.waiting import async_wait_until


@asynccontextmanager
async def farm(redis_url: str, store: Store, devices: dict[str, Device]) -> AsyncIterator[None]:
    """A scheduler and one device worker per entry of ``devices``, in this process."""
    prefix = store.keys.prefix
    stop = asyncio.Event()
    common = {"redis_url": redis_url, "key_prefix": prefix, "block_ms": 100}
    readers = [Store.open(redis_url, prefix=prefix, block_ms=100) for _ in range(1 + len(devices))]
    tasks = [
        asyncio.create_task(
            Scheduler(
                SchedulerSettings(
                    scheduler_id="s1", group_linger_ms=20, recover_interval_ms=100, **common
                ),  # type: ignore[arg-type]
                store,
                readers[0],
            ).run(stop)
        )
    ]
    for reader, (wid, device) in zip(readers[1:], devices.items(), strict=True):
        settings = WorkerSettings(
            target="device",  # type: ignore[arg-type]
            worker_id=wid,
            health_interval_s=0.05,
            heartbeat_interval_s=0.1,
            lease_ms=1000,
            **common,  # type: ignore[arg-type]
        )
        tasks.append(asyncio.create_task(Worker(settings, store, reader, device, wid).run(stop)))
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for r in readers:
            await r.close()


async def _running_workers(store: Store, jobs: list[Job]) -> set[str]:
    """The workers named by the jobs' ``running`` events."""
    rows = await store.redis.xrange(store.keys.events(), count=10_000)
    ids = {j.id for j in jobs}
    return {f["worker"] for _, f in rows if f.get("job") in ids and f["status"] == "running"}


async def test_an_unhealthy_worker_is_given_nothing_while_a_healthy_one_runs_every_group(
    redis_url: str, store: Store
) -> None:
    sick, well = Device(), Device()
    sick.healthy = False
    async with farm(redis_url, store, {"device-sick": sick, "device-well": well}):
        await async_wait_until(
            lambda: _state(store, "device-sick", "unhealthy"), timeout=10, what="sick reported"
        )
        jobs = []
        for app in ("A", "B", "C", "D"):  # four groups, one per app version
            jobs += await submit(store, 2, app=app, target="device", org=f"org-{app}")
        done = await async_wait_until(lambda: all_terminal(store, jobs), timeout=30, what="jobs")
    assert {j.status.value for j in done.values()} == {"passed"}
    assert await _running_workers(store, jobs) == {"device-well"}
    groups = await store.redis.smembers(store.keys.worker_groups("device-sick"))
    assert groups == set()


async def test_a_group_dispatched_to_a_worker_that_turns_unhealthy_goes_back_at_once(
    store: Store,
) -> None:
    await submit(store, 2, target="device")
    (gid,) = await group_all(store)
    ws = await register(store, "w1", "device")
    assert await give(store, gid, "w1") == [gid]
    sched = SchedulerStore(store)
    assert await sched.recover() == []  # healthy: it keeps its assignment
    await ws.heartbeat("unhealthy", ttl_ms=60_000)
    assert await sched.recover() == [gid]
    assert await store.redis.hget(store.keys.group(gid), "state") == "open"
    snapshot = await sched.snapshot(["device"])
    assert [w.id for w in snapshot.workers] == []  # and it is offered nothing more


async def test_a_running_group_of_a_worker_unhealthy_longer_than_its_lease_goes_back(
    store: Store,
) -> None:
    (job,) = await submit(store, 1, target="device")
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid, "w1", "device")
    ws = await register(store, "w1", "device", lease_ms=400)
    sched = SchedulerStore(store)
    await ws.heartbeat("unhealthy", ttl_ms=60_000, lease_ms=400)
    assert await sched.recover() == []  # within its lease the worker may still give it back
    unhealthy_since = await store.redis.hget(store.keys.worker("w1"), "unhealthy_since")

    async def taken_back() -> bool:
        assert await ws.renew(lease) or lease.lost  # it renews its lease all along
        await ws.heartbeat("unhealthy", ttl_ms=60_000, lease_ms=400)
        return gid in await sched.recover()

    await async_wait_until(taken_back, timeout=10, what="the group taken back")
    # the clock started when the worker became unhealthy, not at each heartbeat
    assert await store.redis.hget(store.keys.worker("w1"), "unhealthy_since") == unhealthy_since
    assert not (await ws.start(lease, job.id)).ok
    assert not lease.held()  # the old holder is fenced
    assert await ws.finish(lease, job.id, passed()) is None
    got = await JobStore(store).get(job.id)
    assert got is not None and got.status.value == "scheduled"


async def test_a_worker_healthy_again_is_given_work_again(store: Store) -> None:
    ws = await register(store, "w1", "device")
    await ws.heartbeat("unhealthy", ttl_ms=60_000)
    assert (await SchedulerStore(store).snapshot(["device"])).workers == ()
    await ws.heartbeat("idle", ttl_ms=60_000)
    assert [w.id for w in (await SchedulerStore(store).snapshot(["device"])).workers] == ["w1"]
    assert await store.redis.hget(store.keys.worker("w1"), "unhealthy_since") == ""


async def _state(store: Store, wid: str, expected: str) -> bool:
    return await store.redis.hget(store.keys.worker(wid), "state") == expected  # type: ignore[no-any-return]
