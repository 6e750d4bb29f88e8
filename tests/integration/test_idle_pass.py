"""The scheduler's tick: with no group waiting it passes at most every ``idle_pass_ms`` but
keeps the dispatch lock; with a group waiting every tick brings the view up to date, and
plans when something changed (or when ``idle_pass_ms`` passed since a plan that decided
nothing, and a group waits or is held)."""

from __future__ import annotations

import time
from typing import Any

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_store import Store
from tests.integration.helpers import group_all, register, submit
from tests.support.waiting import async_wait_until


def _counting(sched: Scheduler) -> dict[str, int]:
    """Count the view's refreshes (one per pass) and the plans."""
    calls = {"passes": 0, "plans": 0}
    refresh, plan = sched.view.refresh, sched._plan_and_carry_out

    async def counted_refresh() -> bool:
        calls["passes"] += 1
        return await refresh()

    async def counted_plan() -> Any:
        calls["plans"] += 1
        return await plan()

    sched.view.refresh = counted_refresh  # type: ignore[method-assign]
    sched._plan_and_carry_out = counted_plan  # type: ignore[method-assign]
    return calls


async def test_nothing_waiting_passes_once_per_idle_pass_interval(store: Store) -> None:
    settings = SchedulerSettings(key_prefix=store.keys.prefix, idle_pass_ms=60_000)
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await sched._tick_pass()  # the first tick passes: no pass ran yet
    await sched._tick_pass()
    await sched._tick_pass()
    assert calls == {"passes": 1, "plans": 1}
    assert sched.leading  # the lock is still renewed

    await submit(store, 2, app="A")
    await group_all(store)  # a group waits: every tick passes, and this one plans
    await sched._tick_pass()
    assert calls == {"passes": 2, "plans": 2}
    await sched._tick_pass()  # nothing changed since a plan that decided nothing: no plan
    assert calls == {"passes": 3, "plans": 2}
    await register(store, "w1")  # a worker came: the next tick plans, and gives it the group
    await sched._tick_pass()
    assert calls == {"passes": 4, "plans": 3}
    await sched.view.refresh()
    assert [g.worker_id for g in sched.view.snapshot().groups] == ["w1"]


async def test_a_pass_of_any_loop_counts_as_the_last_pass(store: Store) -> None:
    settings = SchedulerSettings(key_prefix=store.keys.prefix, idle_pass_ms=60_000)
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await sched.dispatch_pass()  # as after a submission or a freed lane
    await sched._tick_pass()
    assert calls["passes"] == 1


async def test_a_lingering_group_goes_when_its_linger_time_is_over(store: Store) -> None:
    settings = SchedulerSettings(
        key_prefix=store.keys.prefix,
        idle_pass_ms=60_000,
        dispatch_on_idle=False,
        group_linger_ms=300,
    )
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await register(store, "w1")
    await submit(store, 2, app="A")
    (gid,) = await group_all(store)
    started = time.monotonic()
    await sched._tick_pass()  # the group lingers: nothing given
    await sched._tick_pass()  # nothing changed: no plan
    assert calls["plans"] == 1

    async def given() -> bool:
        await sched._tick_pass()
        return await store.redis.hget(store.keys.group(gid), "worker_id") == "w1"

    await async_wait_until(given, timeout=5, what="the group given once its linger is over")
    assert time.monotonic() - started >= 0.3
    assert calls["plans"] == 2  # the one that found it lingering, the one that gave it


async def test_time_alone_plans_only_when_there_is_a_group(store: Store) -> None:
    """``idle_pass_ms`` passing is reason to plan again only when a group waits or is held
    (time ages it and moves its estimates); an idle farm's passes do not plan."""
    settings = SchedulerSettings(key_prefix=store.keys.prefix, idle_pass_ms=60_000)
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await register(store, "w1")
    await sched.dispatch_pass()  # the first pass plans: everything is new
    assert calls["plans"] == 1
    sched._last_pass -= 120  # as if idle_pass_ms had passed since
    await sched.dispatch_pass()
    assert calls["plans"] == 1  # no group: nothing for time to change

    await submit(store, 1, app="A")
    (gid,) = await group_all(store)
    await sched.dispatch_pass()  # a group came: planned, and given to w1
    assert await store.redis.hget(store.keys.group(gid), "worker_id") == "w1"
    await sched.dispatch_pass()  # reads the dispatch's own changes
    plans = calls["plans"]
    await sched.dispatch_pass()
    assert calls["plans"] == plans  # nothing changed since a plan that decided nothing
    sched._last_pass -= 120
    await sched.dispatch_pass()
    assert calls["plans"] == plans + 1  # a held group: time moves its estimates
