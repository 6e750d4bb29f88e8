"""The scheduler's view, which reads only what changed, against a fresh read of everything,
after each kind of change a group or a worker goes through; and what a refresh costs."""

from __future__ import annotations

from typing import Any

import pytest

from qgjob_schemas import Plan, Snapshot
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from qgjob_store.scheduler_view import SchedulerView
from tests.integration.helpers import give, group_all, passed, read_and_acquire, register, submit
from tests.support.waiting import async_wait_until

TARGETS = ["emulator", "device", "browserstack"]


def _seen(snap: Snapshot) -> tuple[Any, ...]:
    """What a plan reads from a snapshot (its order aside)."""
    return (
        sorted(snap.workers, key=lambda w: w.id),
        sorted(snap.groups, key=lambda g: g.id),
        snap.install_s,
    )


class Follower:
    """One view kept over the test, checked against a fresh read after every step."""

    def __init__(self, store: Store) -> None:
        self.sched = SchedulerStore(store)
        self.view: SchedulerView = self.sched.view(TARGETS)
        self.steps = 0

    async def check(self, what: str) -> None:
        await self.view.refresh()
        fresh = await self.sched.snapshot(TARGETS)
        assert _seen(self.view.snapshot()) == _seen(fresh), what
        self.steps += 1


async def test_the_view_follows_every_change_a_fresh_read_sees(store: Store) -> None:
    f = Follower(store)
    await f.check("nothing there")
    jobs = await submit(store, 5, app="A")
    await submit(store, 2, app="B", target="device")
    await group_all(store)
    await f.check("groups formed")
    w1 = await register(store, "w1", versions=("Z",))
    await f.check("a worker registered")
    ga = next(g.id for g in f.view.snapshot().groups if g.app_version_id == "A")
    assert await give(store, ga, "w1") == [ga]
    await f.check("a group dispatched")
    lease = await read_and_acquire(store, "w1")
    await f.check("a group acquired")
    await w1.record_install(lease, installed=True, seconds=3.0, versions=["A", "Z"])
    await f.check("an install recorded (versions, install time)")
    assert (await w1.start(lease, jobs[0].id)).ok
    await f.check("a test started")
    await w1.finish(lease, jobs[0].id, passed())
    await f.check("a test finished")
    await register(store, "w2")
    assert len(await give(store, ga, "w2", take=2)) == 1
    await f.check("a running group split")
    await f.sched.carry_out(Plan(preempt=(ga,)))
    await f.check("a group asked to yield")
    await JobStore(store).cancel(jobs[1].id)
    await f.check("a job of a running group cancelled")
    await w1.heartbeat("draining", ttl_ms=60_000)
    await f.check("a worker draining")
    await w1.release(lease, reason="yield")
    await f.check("a group given back")
    more = await submit(store, 1, app="C")
    await group_all(store)
    await f.check("another group formed")
    await JobStore(store).cancel(more[0].id)
    await f.check("a waiting group's last job cancelled")
    w3 = WorkerStore(store, "w3", "device")
    await w3.heartbeat("idle", ttl_ms=300, capacity=2, versions=[], lease_ms=30000)
    await f.check("a short-lived worker")
    gb = next(g.id for g in f.view.snapshot().groups if g.target == "device")
    assert await give(store, gb, "w3") == [gb]
    hb = store.keys.heartbeat("w3")
    await async_wait_until(
        lambda: _gone(store, hb), timeout=10, what="the worker's heartbeat to lapse"
    )
    await f.check("a worker's heartbeat lapsed")
    assert gb in await f.sched.recover()
    await f.check("a group taken back from a lost worker")
    await w3.heartbeat("idle", ttl_ms=60_000, capacity=2, versions=[], lease_ms=30000)
    await f.check("a worker back")


async def _gone(store: Store, key: str) -> bool:
    return not await store.redis.exists(key)


async def test_a_refresh_reads_what_changed_not_the_farm(store: Store) -> None:
    workers = 2000
    for i in range(workers):
        await WorkerStore(store, f"w{i}", "emulator").heartbeat("idle", ttl_ms=120_000)
    await submit(store, 3)
    (gid,) = await group_all(store)
    view = SchedulerStore(store).view(TARGETS)
    assert await view.refresh()
    assert view.changes == workers + 1
    assert len(view.snapshot().workers) == workers
    # nothing changed: nothing is read again, and nothing calls for a plan
    assert not await view.refresh()
    assert view.changes == 0
    # a beat that changes nothing is no change either
    await WorkerStore(store, "w7", "emulator").heartbeat("idle", ttl_ms=120_000)
    assert not await view.refresh()
    assert view.changes == 0
    # one dispatch: the worker and the group, nothing else
    assert await give(store, gid, "w7") == [gid]
    assert await view.refresh()
    assert view.changes <= 3
    assert {g.id: g.worker_id for g in view.snapshot().groups} == {gid: "w7"}


async def test_a_view_whose_changes_were_trimmed_loads_everything_again(store: Store) -> None:
    await register(store, "w1")
    view = SchedulerStore(store).view(TARGETS)
    await view.refresh()
    await register(store, "w2")
    # the log was trimmed past the view's cursor: the change to w2 is not there to read
    await store.redis.delete(store.keys.sched_log())
    await store.redis.set(store.keys.sched_log_floor(), "99999999999999-0")
    assert await view.refresh()
    assert {w.id for w in view.snapshot().workers} == {"w1", "w2"}


@pytest.mark.parametrize("kind", ["w", "g"])
async def test_an_entity_the_log_names_that_is_gone_leaves_the_view(
    store: Store, kind: str
) -> None:
    await submit(store, 1)
    (gid,) = await group_all(store)
    await register(store, "w1")
    view = SchedulerStore(store).view(TARGETS)
    await view.refresh()
    snap = view.snapshot()
    assert [w.id for w in snap.workers] == ["w1"] and [g.id for g in snap.groups] == [gid]
    key = store.keys.worker("w1") if kind == "w" else store.keys.group(gid)
    await store.redis.delete(key)
    await store.redis.xadd(store.keys.sched_log(), {kind: "w1" if kind == "w" else gid})
    await view.refresh()
    snap = view.snapshot()
    if kind == "w":
        assert snap.workers == ()
    else:
        assert snap.groups == ()


async def test_a_view_at_the_log_s_end_is_not_behind_when_the_log_is_old(store: Store) -> None:
    """Nothing changed for longer than the log keeps: the view's cursor, at the last entry,
    is older than the trim point, and it missed nothing."""
    await register(store, "w1")
    await register(store, "w2")
    seconds, micros = await store.redis.time()
    old_ms = seconds * 1000 + micros // 1000 - 60_000
    await store.redis.delete(store.keys.sched_log())
    await store.redis.xadd(store.keys.sched_log(), {"w": "w1"}, id=f"{old_ms}-1")
    view = SchedulerStore(store).view(TARGETS)
    assert await view.refresh()
    assert view.changes == 2  # the load
    for _ in range(3):  # the old entry is trimmed, and the view stays where it is
        assert not await view.refresh()
        assert view.changes == 0
    assert await store.redis.xlen(store.keys.sched_log()) <= 1


async def test_a_worker_going_from_busy_to_idle_is_no_change_for_the_plans(store: Store) -> None:
    await register(store, "w1")
    view = SchedulerStore(store).view(TARGETS)
    await view.refresh()
    ws = WorkerStore(store, "w1", "emulator")
    await ws.heartbeat("busy", ttl_ms=60_000)
    assert not await view.refresh() and view.changes == 0
    await ws.heartbeat("idle", ttl_ms=60_000)
    assert not await view.refresh() and view.changes == 0
    assert await store.redis.hget(store.keys.worker("w1"), "state") == "idle"  # stored all the same
    await ws.heartbeat("draining", ttl_ms=60_000)  # takes no work now: a change
    assert await view.refresh()
    assert view.snapshot().workers == ()


async def test_a_view_loads_everything_again_every_reload_s(store: Store) -> None:
    await register(store, "w1")
    await register(store, "w2")
    view = SchedulerView(store, TARGETS, reload_s=3600)
    assert await view.refresh() and view.changes == 2
    assert not await view.refresh() and view.changes == 0
    view.reload_s = 0  # the reload is due: a drift the log could not show is mended
    await store.redis.hset(store.keys.worker("w2"), "capacity", 3)  # written by no script
    assert await view.refresh() and view.changes == 2
    assert {w.id: w.capacity for w in view.snapshot().workers} == {"w1": 1, "w2": 3}


async def test_a_refresh_reads_every_change_after_its_cursor_not_one_call_s_worth(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More changes than one call reads: the refresh goes on until it is at the log's end
    (a view one call behind per pass fell minutes behind a farm of thousands)."""
    monkeypatch.setattr("qgjob_store.scheduler_view.CHANGES_PER_CALL", 3)
    await register(store, "w0")
    view = SchedulerStore(store).view(TARGETS)
    await view.refresh()
    for i in range(1, 11):
        await register(store, f"w{i}")
    assert await view.refresh()
    assert view.changes == 10
    assert {w.id for w in view.snapshot().workers} == {f"w{i}" for i in range(11)}
    assert not await view.refresh() and view.changes == 0
