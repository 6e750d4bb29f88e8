"""The embedded store (fakeredis with Lua) runs the same poison checks as a Redis server."""

from __future__ import annotations

from qgjob_schemas import JobPayload
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from tests.integration.helpers import group_all, scheduler_reader


async def test_join_dead_letters_a_wrong_type_key_and_groups_the_rest(mem_store: Store) -> None:
    s = mem_store
    jobs = JobStore(s)
    payload = JobPayload(org_id="o", app_version_id="A", test_path="t.js")
    (good,) = await jobs.submit([jobs.prepare(payload, 3)])
    await s.redis.set(s.keys.job("str"), "not a job")
    await s.redis.xadd(s.keys.jobs_stream(), {"job": "str"})
    (corrupt,) = await jobs.submit([jobs.prepare(payload, 3)])
    await s.redis.hset(s.keys.job(corrupt.id), "priority", "whenever")
    assert len(await group_all(s)) == 1
    assert await s.redis.hget(s.keys.job(good.id), "status") == "scheduled"
    assert await s.redis.hget(s.keys.job(corrupt.id), "status") == "dead"
    letters = [f for _, f in await s.redis.xrange(s.keys.dead())]
    assert [(f["reason"], f["job"]) for f in letters] == [("poison", "str"), ("poison", corrupt.id)]
    assert (await s.redis.xpending(s.keys.jobs_stream(), "schedulers"))["pending"] == 0


async def test_acquire_dead_letters_an_entry_naming_no_group(mem_store: Store) -> None:
    s = mem_store
    ws = WorkerStore(s, "w1", "emulator")
    reader = ws.reader(s, block_ms=10)
    await reader.start()
    await s.redis.set(s.keys.group("gs"), "not a group")
    await s.redis.xadd(s.keys.inbox("w1"), {"group": "gs"})
    (entry,) = await reader.read(block=False)
    assert await ws.acquire(entry) is None
    (letter,) = [f for _, f in await s.redis.xrange(s.keys.dead())]
    assert (letter["reason"], letter["stream"], letter["group"]) == ("poison", "inbox", "gs")


async def test_the_delivery_guard_works_on_the_embedded_store(mem_store: Store) -> None:
    s = mem_store
    jobs = JobStore(s)
    (job,) = await jobs.submit(
        [jobs.prepare(JobPayload(org_id="o", app_version_id="A", test_path="t.js"), 3)]
    )
    reader = scheduler_reader(s)
    reader.max_deliveries, reader.on_poison = 2, SchedulerStore(s).discard_poison
    await reader.start()
    for _ in range(2):  # read, never handled, read again from the pending list
        assert await reader.read(block=False)
        reader.recover()
    assert await reader.read(block=False) == []  # the third delivery is one too many
    assert await s.redis.hget(s.keys.job(job.id), "status") == "dead"
