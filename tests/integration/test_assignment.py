"""Giving groups to workers on a real Redis: checks in the dispatch script, splits of a
running group, yielding, and taking groups back from workers that are gone."""

from __future__ import annotations

from qgjob_schemas import Assignment, Plan
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from qgjob_store.scheduling import DISPATCH_CALLS_AT_ONCE, DISPATCH_CHUNK
from tests.integration.helpers import (
    give,
    group_all,
    held_by,
    passed,
    read_and_acquire,
    register,
    submit,
)
from tests.support.waiting import async_wait_until


async def test_a_plan_is_checked_against_the_store_and_runs_once(store: Store) -> None:
    await submit(store, 2, app="A")
    await submit(store, 2, app="B")
    ga, gb = await group_all(store)
    await register(store, "w1")
    sched = SchedulerStore(store)
    assert await give(store, ga, "nobody") == []  # no heartbeat: not a live worker
    assert await give(store, ga, "w1") == [ga]
    assert await give(store, gb, "w1") == []  # its one lane is taken
    assert await give(store, ga, "w1") == []  # not waiting any more
    await register(store, "w2", target="device")
    assert await give(store, gb, "w2") == []  # another target
    # a retried call of the same plan does nothing twice
    await register(store, "w3")
    again = ["dispatch-1", gb, "w3", ""]
    assert await store.scripts.run("dispatch", *again) == [gb]
    assert await store.scripts.run("dispatch", *again) == [gb]
    assert await held_by(store, "w3") == [gb]
    snap = await sched.snapshot(["emulator"])
    assert {w.id: w.free for w in snap.workers} == {"w1": 0, "w3": 0}


async def test_a_plan_of_many_calls_gives_every_group_once(store: Store) -> None:
    # more steps than one wave of calls carries, the last call short: every group lands on
    # its own worker whatever order the calls ran in, and a stale step still gives nothing
    n = DISPATCH_CHUNK * DISPATCH_CALLS_AT_ONCE + DISPATCH_CHUNK + 3
    for i in range(n):
        await submit(store, 1, app=f"v{i}")
    groups = await group_all(store)
    assert len(groups) == n
    for i in range(n):
        await register(store, f"w{i}")
    steps = [Assignment(gid, f"w{i}") for i, gid in enumerate(groups)]
    steps.append(Assignment(groups[0], "w1"))  # taken already, and w1's lane is not free
    given = await SchedulerStore(store).carry_out(Plan(assignments=tuple(steps)))
    assert sorted(given) == sorted(groups)
    for i, gid in enumerate(groups):
        assert await held_by(store, f"w{i}") == [gid]


async def test_a_split_moves_not_started_jobs_of_a_running_group(store: Store) -> None:
    jobs = await submit(store, 6)
    (gid,) = await group_all(store)
    holder = await register(store, "w1")
    assert await give(store, gid, "w1") == [gid]
    lease = await read_and_acquire(store, "w1")
    assert (await holder.start(lease, jobs[0].id)).ok
    await register(store, "w2")
    (part,) = await give(store, gid, "w2", take=3)
    thief = await read_and_acquire(store, "w2")
    assert thief.group_id == part
    assert [j.id for j in thief.jobs] == [j.id for j in jobs[3:]]
    # the holder skips what moved and closes its group with the rest done
    await holder.finish(lease, jobs[0].id, passed())
    for job in jobs[1:3]:
        assert (await holder.start(lease, job.id)).ok
        await holder.finish(lease, job.id, passed())
    for job in jobs[3:]:
        assert not (await holder.start(lease, job.id)).ok
    assert await holder.close(lease) is None
    stats = await JobStore(store).stats()
    assert stats.groups_split == 1
    group = await store.redis.hgetall(store.keys.group(gid))
    assert (group["state"], group["left"]) == ("done", "0")


async def test_the_last_job_behind_a_running_test_moves_only_to_its_holders_lane(
    store: Store,
) -> None:
    """A split leaves the holder one job, except for a free lane of the holder itself while
    it runs one of the group's tests: then the last job behind that test moves too."""
    jobs = await submit(store, 2)
    (gid,) = await group_all(store)
    holder = await register(store, "w1", capacity=2)
    await register(store, "w2")
    assert await give(store, gid, "w1") == [gid]
    lease = await read_and_acquire(store, "w1")
    assert (await holder.start(lease, jobs[0].id)).ok
    assert await give(store, gid, "w2", take=1) == []  # another worker: it keeps one
    (part,) = await give(store, gid, "w1", take=1)
    moved = await JobStore(store).get(jobs[1].id)
    assert moved is not None and moved.group_id == part
    assert sorted(await held_by(store, "w1")) == sorted([gid, part])  # its second lane too
    await holder.finish(lease, jobs[0].id, passed())
    assert not (await holder.start(lease, jobs[1].id)).ok  # it moved
    assert await holder.close(lease) is None
    group = await store.redis.hgetall(store.keys.group(gid))
    assert (group["state"], group["left"]) == ("done", "0")


async def test_a_preempted_group_yields_after_its_test_and_waits_again(store: Store) -> None:
    jobs = await submit(store, 3)
    (gid,) = await group_all(store)
    ws = await register(store, "w1")
    await give(store, gid, "w1")
    lease = await read_and_acquire(store, "w1")
    assert (await ws.start(lease, jobs[0].id)).ok
    sched = SchedulerStore(store)
    await sched.carry_out(Plan(preempt=(gid,)))
    assert await ws.finish(lease, jobs[0].id, passed()) == "passed"
    assert lease.yield_requested
    assert await ws.release(lease, reason="yield")
    snap = await sched.snapshot(["emulator"])
    (waiting,) = snap.groups
    assert (waiting.id, waiting.state.value, waiting.left) == (gid, "open", 2)
    assert snap.workers[0].free == 1
    assert (await JobStore(store).stats()).preemptions == 1
    # the lease it gave back is fenced
    assert not (await ws.start(lease, jobs[1].id)).ok


async def test_a_group_dispatched_to_a_worker_that_died_is_taken_back(store: Store) -> None:
    await submit(store, 2)
    (gid,) = await group_all(store)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.heartbeat("idle", ttl_ms=200, lease_ms=30_000)
    assert await give(store, gid, "w1") == [gid]
    sched = SchedulerStore(store)
    assert await sched.recover() == []  # alive: its entry waits in its pending list
    taken = await async_wait_until(sched.recover, timeout=5, what="the heartbeat to expire")
    assert taken == [gid]
    await register(store, "w2")
    assert await give(store, gid, "w2") == [gid]
    lease = await read_and_acquire(store, "w2")
    assert len(lease.jobs) == 2
    # the entry moved with the group: the dead worker holds nothing, and an acquire with the
    # entry it was given changes nothing
    assert await held_by(store, "w1") == []
    assert await ws.acquire((lease.entry_id, {"group": gid})) is None
    assert await held_by(store, "w2") == [gid]


async def test_the_scheduler_learns_from_results_and_shows_it(store: Store) -> None:
    jobs = await submit(store, 2, path="tests/same.spec.js")
    (gid,) = await group_all(store)
    ws = await register(store, "w1")
    await give(store, gid, "w1")
    lease = await read_and_acquire(store, "w1")
    await ws.record_install(lease, installed=True, seconds=42.0, versions=["A"])
    for job in jobs:
        assert (await ws.start(lease, job.id)).ok
        await ws.finish(lease, job.id, passed())
    durations = (await JobStore(store).stats()).durations
    assert durations.install_s == {"emulator": 42.0}
    assert durations.tests_known == 1
    assert 0 <= durations.test_s["emulator"] < 5
    (more,) = await submit(store, 1, path="tests/same.spec.js")
    await group_all(store)
    learned = await store.redis.hget(store.keys.dur_test(), "org1|emulator|tests/same.spec.js")
    assert learned is not None
    assert await store.redis.hget(store.keys.job(more.id), "est_s") == learned
