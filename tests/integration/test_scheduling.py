"""Priorities, fairness, affinity and splitting with a real scheduler and workers on Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qgjob_schemas import Job, JobPayload, Priority, WorkerState
from qgjob_store import JobStore, WorkerRegistry
from tests.support.inprocess import Pipeline, payload
from tests.support.waiting import async_wait_until

SLOW_TESTS = {"sim_test_ms": 150, "sim_install_ms": 50}


@pytest.fixture
async def pipe(redis_url: str, prefix: str) -> AsyncIterator[Pipeline]:
    p = Pipeline(redis_url, prefix)
    try:
        yield p
    finally:
        await p.close()


def jobs(
    n: int, app: str, *, org: str = "org1", priority: Priority = Priority.NORMAL
) -> list[JobPayload]:
    return [
        JobPayload(
            org_id=org, app_version_id=app, test_path=f"tests/{app}/t{i}.spec.js", priority=priority
        )
        for i in range(n)
    ]


async def workers_up(pipe: Pipeline, *ids: str) -> None:
    async def registered() -> bool:
        listed = await WorkerRegistry(pipe.store).workers()
        return {w.id for w in listed if w.state is WorkerState.IDLE} >= set(ids)

    await async_wait_until(registered, timeout=10, what=f"workers {ids} idle")


async def all_done(pipe: Pipeline, submitted: list[Job], timeout: float = 20) -> list[Job]:
    async def done() -> list[Job] | None:
        now = [await pipe.job(j.id) for j in submitted]
        return now if all(j.status.terminal for j in now) else None

    return await async_wait_until(done, timeout=timeout, what="every job finished")


async def test_a_group_goes_to_the_worker_that_has_its_version(pipe: Pipeline) -> None:
    pipe.start_scheduler(split_groups=False)
    pipe.start_worker("w1", **SLOW_TESTS)
    pipe.start_worker("w2", **SLOW_TESTS)
    await workers_up(pipe, "w1", "w2")
    first = await all_done(pipe, await pipe.submit(jobs(3, "A") + jobs(3, "B")))
    placed = {j.app_version_id: j.worker_id for j in first}
    assert set(placed.values()) == {"w1", "w2"}  # one version on each worker
    await workers_up(pipe, "w1", "w2")
    again = await all_done(pipe, await pipe.submit(jobs(3, "B") + jobs(3, "A")))
    assert {j.app_version_id: j.worker_id for j in again} == placed
    stats = await JobStore(pipe.store).stats()
    assert (stats.installs_done, stats.installs_saved) == (2, 2)
    listed = {w.id: w.installed_versions for w in await WorkerRegistry(pipe.store).workers()}
    assert listed == {placed["A"]: ["A"], placed["B"]: ["B"]}


async def test_urgent_work_runs_at_the_next_test_boundary(pipe: Pipeline) -> None:
    pipe.start_scheduler()
    pipe.start_worker("w1", **SLOW_TESTS)
    await workers_up(pipe, "w1")
    normal = await pipe.submit(jobs(8, "A"))
    await pipe.wait_status(normal[0].id, "running")
    (urgent,) = await pipe.submit(jobs(1, "HOTFIX", priority=Priority.URGENT))
    done = await all_done(pipe, [*normal, urgent])
    started = sorted((j.started_at, j.id) for j in done if j.started_at is not None)
    order = [jid for _, jid in started]
    assert order.index(urgent.id) <= 2  # after the test that was running (and maybe one more)
    assert all(j.status.value == "passed" for j in done)
    stats = await JobStore(pipe.store).stats()
    assert stats.preemptions == 1
    # A, then the hotfix; A's group resumes on the device that still has A: no install
    assert (stats.installs_done, stats.installs_saved) == (2, 1)


async def test_a_small_org_is_not_held_behind_a_big_one(pipe: Pipeline) -> None:
    pipe.start_scheduler()
    pipe.start_worker("w1", **SLOW_TESTS)
    pipe.start_worker("w2", **SLOW_TESTS)
    await workers_up(pipe, "w1", "w2")
    big = await pipe.submit(jobs(30, "A", org="big"))
    await pipe.wait_status(big[0].id, "running")
    small = await pipe.submit(jobs(2, "B", org="small"))
    done = await all_done(pipe, big + small, timeout=30)
    big_starts = sorted(j.started_at for j in done if j.org_id == "big" and j.started_at)
    small_starts = [j.started_at for j in done if j.org_id == "small" and j.started_at]
    assert len(small_starts) == 2
    assert max(small_starts) < big_starts[len(big_starts) // 2]  # well before big's second half
    assert (await JobStore(pipe.store).stats()).preemptions >= 1


async def test_a_large_group_is_split_over_idle_workers(pipe: Pipeline) -> None:
    pipe.start_scheduler()
    for w in ("w1", "w2", "w3"):
        pipe.start_worker(w, **SLOW_TESTS)
    await workers_up(pipe, "w1", "w2", "w3")
    done = await all_done(pipe, await pipe.submit(jobs(12, "A")))
    assert {j.worker_id for j in done} == {"w1", "w2", "w3"}
    stats = await JobStore(pipe.store).stats()
    assert stats.groups_split >= 2
    assert len({j.group_id for j in done}) == 1 + stats.groups_split
    assert stats.installs_done == 3  # once per worker
    assert stats.durations.install_s["emulator"] > 0
    assert stats.durations.tests_known == 12


async def test_an_emulator_host_runs_as_many_groups_as_its_capacity(pipe: Pipeline) -> None:
    pipe.start_scheduler()
    pipe.start_worker("host", capacity=2, sim_test_ms=300, sim_install_ms=50)
    await workers_up(pipe, "host")
    submitted = await pipe.submit(jobs(2, "A") + jobs(2, "B"))

    async def both_running() -> list[str] | None:
        (host,) = await WorkerRegistry(pipe.store).workers()
        return host.group_ids if len(host.group_ids) == 2 else None

    held = await async_wait_until(both_running, timeout=10, what="two groups on the host")
    done = await all_done(pipe, submitted)
    assert {j.group_id for j in done} == set(held)
    a = [j for j in done if j.app_version_id == "A"]
    b = [j for j in done if j.app_version_id == "B"]
    assert a[0].started_at and b[0].started_at and a[-1].finished_at and b[-1].finished_at
    assert a[0].started_at < b[-1].finished_at and b[0].started_at < a[-1].finished_at  # overlap


@pytest.mark.parametrize("default_test_s", [60.0, 0.05], ids=["within-its-estimate", "past-it"])
@pytest.mark.parametrize("behind", [1, 2])
async def test_jobs_behind_a_hung_test_take_the_free_lanes_of_its_worker(
    pipe: Pipeline, default_test_s: float, behind: int
) -> None:
    """A 3-lane host runs a suite's hung test; its other lanes come free afterwards. The
    jobs of the suite behind the hung test run there at once (the version is installed),
    whether the hang is still within its expected duration or past it."""
    pipe.start_scheduler(default_test_s=default_test_s)
    pipe.start_worker("host", capacity=3, sim_test_ms=30, sim_install_ms=50)
    await workers_up(pipe, "host")
    store = JobStore(pipe.store)
    blockers = await pipe.submit(
        [payload(f"tests/hang_block{i}.spec.js", app=f"B{i}") for i in range(2)]
    )
    for b in blockers:
        await pipe.wait_status(b.id, "running")
    hang, *rest = await pipe.submit(
        [payload("tests/hang_x.spec.js")]
        + [payload(f"tests/login{i}.spec.js") for i in range(behind)]
    )
    await pipe.wait_status(hang.id, "running")
    for j in rest:  # no lane free yet: they wait behind the hang
        assert (await pipe.job(j.id)).status.value == "scheduled"
    for b in blockers:  # two lanes of the host come free while the hang runs
        assert await store.cancel(b.id) == "requested"
        await pipe.wait_status(b.id, "cancelled")
    for j in rest:
        done = await pipe.wait_status(j.id, "passed", timeout=10)
        assert done.worker_id == "host"
    assert (await pipe.job(hang.id)).status.value == "running"
    assert await store.cancel(hang.id) == "requested"
    await pipe.wait_status(hang.id, "cancelled")
