"""Groups whose every job was cancelled before it ran end at once, and waiting groups with
nothing left never keep a fresh job from its idle worker (real redis-server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qgjob_schemas import JobPayload
from qgjob_store import JobStore, Store
from tests.integration.helpers import group_all
from tests.support.inprocess import Pipeline

ZOMBIES = 1050
"""More than the snapshot lists per target (1,000)."""


@pytest.fixture
async def pipe(redis_url: str, prefix: str) -> AsyncIterator[Pipeline]:
    p = Pipeline(redis_url, prefix)
    try:
        yield p
    finally:
        await p.close()


async def _groups_of_one(store: Store, n: int) -> list[str]:
    """``n`` groups (one app version each) of one scheduled job; returns the job ids."""
    jobs = JobStore(store)
    payloads = [
        JobPayload(org_id="org1", app_version_id=f"v{i}", test_path="tests/a.spec.js")
        for i in range(n)
    ]
    stored = await jobs.submit([jobs.prepare(p, 3) for p in payloads])
    assert len(set(await group_all(store))) == n
    return [j.id for j in stored]


async def test_a_group_whose_jobs_are_all_cancelled_ends_in_the_same_step(store: Store) -> None:
    jobs = JobStore(store)
    payloads = [JobPayload(org_id="org1", app_version_id="A", test_path=f"t{i}.js") for i in (1, 2)]
    a, b = await jobs.submit([jobs.prepare(p, 3) for p in payloads])
    (gid,) = await group_all(store)
    assert await jobs.cancel(a.id) == "cancelled"
    group = await store.redis.hgetall(store.keys.group(gid))
    assert group["state"] == "open" and group["left"] == "1"  # b still waits
    assert await jobs.cancel(b.id) == "cancelled"
    group = await store.redis.hgetall(store.keys.group(gid))
    assert group["state"] == "done" and group["left"] == "0"
    assert await store.redis.zscore(store.keys.pending_groups(), gid) is None
    assert await store.redis.hget(store.keys.open_groups(), "org1|A|emulator|normal") is None
    assert await store.redis.ttl(store.keys.group(gid)) > 0
    assert await store.redis.ttl(store.keys.group_jobs(gid)) > 0


async def test_a_fresh_job_runs_after_a_thousand_cancelled_groups(pipe: Pipeline) -> None:
    jobs = JobStore(pipe.store)
    for job_id in await _groups_of_one(pipe.store, ZOMBIES):
        assert await jobs.cancel(job_id) == "cancelled"
    assert await pipe.store.redis.zcard(pipe.store.keys.pending_groups()) == 0
    pipe.start_scheduler()
    pipe.start_worker("w1")
    (fresh,) = await pipe.submit([JobPayload(org_id="org1", app_version_id="new", test_path="t")])
    await pipe.wait_status(fresh.id, "passed", timeout=20)


async def test_waiting_groups_with_nothing_left_do_not_crowd_out_the_rest(
    pipe: Pipeline,
) -> None:
    """Groups stored open with nothing left (as an earlier version left cancelled groups)
    are ended by the scheduler's view and never take the place of a group with work."""
    store = pipe.store
    for i, job_id in enumerate(await _groups_of_one(store, ZOMBIES)):
        await store.redis.hset(store.keys.job(job_id), "status", "cancelled")
        await store.redis.hset(store.keys.group(f"g{i + 1}"), mapping={"left": 0, "work": 0})
    pipe.start_scheduler()
    pipe.start_worker("w1")
    (fresh,) = await pipe.submit([JobPayload(org_id="org1", app_version_id="new", test_path="t")])
    await pipe.wait_status(fresh.id, "passed", timeout=20)
    states = [await store.redis.hget(store.keys.group(f"g{i + 1}"), "state") for i in range(5)]
    assert states == ["done"] * 5
