"""The embedded store (fakeredis with Lua) runs the same poison checks as a Redis server."""

from __future__ import annotations

from qgjob_schemas import JobPayload
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from tests.integration.helpers import (
    give,
    group_all,
    held_by,
    raw_assignment,
    register,
    scheduler_reader,
)


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
    await raw_assignment(s, {"group": "gs"})
    (entry,) = await reader.read(block=False)
    assert await ws.acquire(entry) is None
    (letter,) = [f for _, f in await s.redis.xrange(s.keys.dead())]
    assert (letter["reason"], letter["stream"], letter["group"]) == ("poison", "assign", "gs")
    assert await reader.held() == []


async def test_the_assignment_delivery_guard_works_on_the_embedded_store(
    mem_store: Store,
) -> None:
    """A group taken up as often as allowed and never handled goes back to wait (its entry
    to the holding consumer, its count from 0), not round for ever."""
    s = mem_store
    jobs = JobStore(s)
    await jobs.submit([jobs.prepare(JobPayload(org_id="o", app_version_id="A", test_path="t"), 3)])
    (gid,) = await group_all(s)
    await register(s, "w1")
    assert await give(s, gid, "w1") == [gid]
    ws = WorkerStore(s, "w1", "emulator")
    reader = ws.reader(s, block_ms=10, max_deliveries=2)
    for _ in range(2):  # taken up, never handled (a lane that fails before acquiring)
        assert [f["group"] for _, f in await reader.read(block=False)] == [gid]
    assert await reader.read(block=False) == []  # the third take is one too many
    assert await held_by(s) == [gid]
    assert await s.redis.hget(s.keys.group(gid), "state") == "open"
    (letter,) = [f for _, f in await s.redis.xrange(s.keys.dead())]
    assert (letter["reason"], letter["stream"], letter["group"]) == ("poison", "assign", gid)


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
