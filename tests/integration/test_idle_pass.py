"""The scheduler's tick: with no group waiting it plans at most every ``idle_pass_ms`` (a
pass reads every worker) but keeps the dispatch lock; with a group waiting it plans at
every tick."""

from __future__ import annotations

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Snapshot
from qgjob_store import Store
from tests.integration.helpers import group_all, submit


def _counting(sched: Scheduler) -> list[int]:
    """Count the snapshots the scheduler reads (each pass reads one)."""
    calls = [0]
    read = sched.store.snapshot

    async def snapshot(*args: object, **kwargs: object) -> Snapshot:
        calls[0] += 1
        return await read(*args, **kwargs)  # type: ignore[arg-type]

    sched.store.snapshot = snapshot  # type: ignore[method-assign]
    return calls


async def test_nothing_waiting_plans_once_per_idle_pass_interval(store: Store) -> None:
    settings = SchedulerSettings(key_prefix=store.keys.prefix, idle_pass_ms=60_000)
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await sched._tick_pass()  # the first tick plans: no pass ran yet
    await sched._tick_pass()
    await sched._tick_pass()
    assert calls[0] == 1
    assert sched.leading  # the lock is still renewed

    await submit(store, 2, app="A")
    await group_all(store)  # a group waits: every tick plans
    await sched._tick_pass()
    await sched._tick_pass()
    assert calls[0] == 3


async def test_a_pass_of_any_loop_counts_as_the_last_pass(store: Store) -> None:
    settings = SchedulerSettings(key_prefix=store.keys.prefix, idle_pass_ms=60_000)
    sched = Scheduler(settings, store, store)
    calls = _counting(sched)
    await sched.dispatch_pass()  # as after a submission or a freed lane
    await sched._tick_pass()
    assert calls[0] == 1
