"""Poison on every stream consumer: each kind of bad entry is dead-lettered (reason
``poison``) and the entries around it are handled all the same, with the real scheduler and
worker loops on a real redis-server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.exceptions import ResponseError

from qgjob_schemas import Job
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from tests.integration.helpers import (
    give,
    group_all,
    held_by,
    raw_assignment,
    register,
    submit,
)
from tests.support.inprocess import Pipeline
from tests.support.waiting import async_wait_until


@pytest.fixture
async def pipe(redis_url: str, prefix: str) -> AsyncIterator[Pipeline]:
    p = Pipeline(redis_url, prefix)
    try:
        yield p
    finally:
        await p.close()


async def _raw_xadd(store: Store, stream: str, fields: dict[str, bytes]) -> str:
    """An entry as anything could write it (bytes that are not UTF-8 included)."""
    return str(await store.redis.xadd(stream, fields))  # type: ignore[arg-type]


# --- the jobs stream (the scheduler's consumer group) ---------------------------------------
# Each kind writes one bad entry and returns (its entry id, the job id that must end dead or
# None when the entry names no job record).
JobsPoison = Callable[[Store], Awaitable[tuple[str, str | None]]]


async def _no_job_field(s: Store) -> tuple[str, str | None]:
    return await _raw_xadd(s, s.keys.jobs_stream(), {"x": b"1"}), None


async def _empty_job_id(s: Store) -> tuple[str, str | None]:
    return await _raw_xadd(s, s.keys.jobs_stream(), {"job": b""}), None


async def _unknown_job(s: Store) -> tuple[str, str | None]:
    return await _raw_xadd(s, s.keys.jobs_stream(), {"job": b"no-such-job"}), None


async def _wrong_type_string(s: Store) -> tuple[str, str | None]:
    await s.redis.set(s.keys.job("str"), "a string, not a job")
    return await _raw_xadd(s, s.keys.jobs_stream(), {"job": b"str"}), None


async def _wrong_type_list(s: Store) -> tuple[str, str | None]:
    await s.redis.rpush(s.keys.job("lst"), "a", "b")
    return await _raw_xadd(s, s.keys.jobs_stream(), {"job": b"lst"}), None


async def _not_utf8(s: Store) -> tuple[str, str | None]:
    return await _raw_xadd(s, s.keys.jobs_stream(), {"job": b"\xff\xfe\x00"}), None


async def _corrupted(s: Store, **change: str | None) -> tuple[str, str | None]:
    """A job submitted as usual, then its record changed before the scheduler reads it."""
    (job,) = await submit(s, path="tests/corrupt.spec.js")
    for name, value in change.items():
        if value is None:
            await s.redis.hdel(s.keys.job(job.id), name)
        else:
            await s.redis.hset(s.keys.job(job.id), name, value)
    entries = await s.redis.xrange(s.keys.jobs_stream())
    return next(eid for eid, f in entries if f.get("job") == job.id), job.id


async def _missing_priority(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, priority=None)


async def _missing_target_and_org(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, target=None, org_id=None)


async def _garbage_target(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, target="toaster")


async def _garbage_priority(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, priority="whenever")


async def _garbage_status(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, status="sleeping")


async def _garbage_attempts(s: Store) -> tuple[str, str | None]:
    return await _corrupted(s, attempts="many")


JOBS_POISON: dict[str, JobsPoison] = {
    "entry without a job field": _no_job_field,
    "empty job id": _empty_job_id,
    "unknown job": _unknown_job,
    "job id names a string": _wrong_type_string,
    "job id names a list": _wrong_type_list,
    "entry not UTF-8": _not_utf8,
    "record missing its priority": _missing_priority,
    "record missing target and org": _missing_target_and_org,
    "record with an unknown target": _garbage_target,
    "record with an unknown priority": _garbage_priority,
    "record with an unknown status": _garbage_status,
    "record with attempts not a number": _garbage_attempts,
}


async def _dead_letters(store: Store) -> list[dict[str, str]]:
    return [f for _, f in await store.redis.xrange(store.keys.dead())]


async def _pending(store: Store, stream: str, group: str) -> int:
    return int((await store.redis.xpending(stream, group))["pending"])


async def _wait_passed(pipe: Pipeline, jobs: list[Job]) -> None:
    for job in jobs:
        await pipe.wait_status(job.id, "passed", timeout=20)


@pytest.mark.parametrize("kind", list(JOBS_POISON))
async def test_poison_on_the_jobs_stream_is_dead_lettered_and_the_rest_runs(
    pipe: Pipeline, kind: str
) -> None:
    store = pipe.store
    before = await submit(store, 2, path="tests/before{}.spec.js")
    entry_id, job_id = await JOBS_POISON[kind](store)
    after = await submit(store, 2, path="tests/after{}.spec.js")
    pipe.start_scheduler(read_count=100)
    pipe.start_worker("w1")
    await _wait_passed(pipe, before + after)
    letters = await async_wait_until(
        lambda: _dead_letters(store), timeout=10, what="the poison dead-lettered"
    )
    assert [(f["reason"], f["stream"], f["entry"]) for f in letters] == [
        ("poison", "jobs", entry_id)
    ]
    if job_id is not None:
        assert letters[0]["job"] == job_id
        assert await store.redis.hget(store.keys.job(job_id), "status") == "dead"
    assert await _pending(store, store.keys.jobs_stream(), "schedulers") == 0
    (listed,) = await JobStore(store).dead_letters()  # as the API lists it
    assert listed.reason == "poison" and listed.last_error


# --- a worker's assignments (its pending list in its target's assignment stream) -------------
# Each kind puts one bad assignment in w1's pending list and returns (its entry id, the job
# ids that must end dead).
AssignmentPoison = Callable[[Store], Awaitable[tuple[str, list[str]]]]


async def _no_group_field(s: Store) -> tuple[str, list[str]]:
    return await raw_assignment(s, {"x": b"1"}), []


async def _unknown_group(s: Store) -> tuple[str, list[str]]:
    return await raw_assignment(s, {"group": b"g-none"}), []


async def _group_names_a_string(s: Store) -> tuple[str, list[str]]:
    await s.redis.set(s.keys.group("gs"), "not a group")
    return await raw_assignment(s, {"group": b"gs"}), []


async def _group_not_utf8(s: Store) -> tuple[str, list[str]]:
    return await raw_assignment(s, {"group": b"\xff\xfe"}), []


async def _not_the_groups_entry(s: Store) -> tuple[str, list[str]]:
    """A second entry naming a real waiting group: the group's own entry is another."""
    await submit(s, 1, app="W", path="tests/W{}.spec.js")
    (gid,) = [g for g in await group_all(s) if g]
    return await raw_assignment(s, {"group": gid.encode()}), []


async def _given_group(s: Store, app: str) -> tuple[str, str, list[str]]:
    """A real group of two jobs of app ``app`` given to w1: (its id, its entry, job ids)."""
    jobs = await submit(s, 2, app=app, path="tests/" + app + "{}.spec.js")
    (gid,) = [g for g in await group_all(s) if g]
    assert await give(s, gid, "w1") == [gid]
    entry = await s.redis.hget(s.keys.group(gid), "entry")
    return gid, str(entry), [j.id for j in jobs]


async def _group_missing_fields(s: Store) -> tuple[str, list[str]]:
    gid, entry, job_ids = await _given_group(s, "P")
    await s.redis.hdel(s.keys.group(gid), "app_version_id", "org_id")
    return entry, job_ids


async def _job_list_not_a_list(s: Store) -> tuple[str, list[str]]:
    gid, entry, _ = await _given_group(s, "P")
    await s.redis.delete(s.keys.group_jobs(gid))
    await s.redis.set(s.keys.group_jobs(gid), "not a list")
    return entry, []  # its jobs cannot be reached any more: the group ends all the same


async def _wrong_type_job_in_list(s: Store) -> tuple[str, list[str]]:
    gid, entry, _ = await _given_group(s, "P")
    await s.redis.set(s.keys.job("str"), "not a job")
    await s.redis.lpush(s.keys.group_jobs(gid), "str")
    return entry, []  # the group's own jobs run; "str" is dead-lettered


async def _garbage_job_in_list(s: Store) -> tuple[str, list[str]]:
    _, entry, job_ids = await _given_group(s, "P")
    await s.redis.hset(s.keys.job(job_ids[0]), "target", "toaster")
    return entry, [job_ids[0]]  # the other job runs


async def _job_missing_fields_in_list(s: Store) -> tuple[str, list[str]]:
    _, entry, job_ids = await _given_group(s, "P")
    await s.redis.hdel(s.keys.job(job_ids[1]), "test_path", "priority")
    return entry, [job_ids[1]]


ASSIGNMENT_POISON: dict[str, AssignmentPoison] = {
    "entry without a group field": _no_group_field,
    "unknown group": _unknown_group,
    "group id names a string": _group_names_a_string,
    "entry not UTF-8": _group_not_utf8,
    "entry naming a group that has another": _not_the_groups_entry,
    "group record missing fields": _group_missing_fields,
    "group's job list not a list": _job_list_not_a_list,
    "job id in the list names a string": _wrong_type_job_in_list,
    "job in the list with an unknown target": _garbage_job_in_list,
    "job in the list missing fields": _job_missing_fields_in_list,
}


@pytest.mark.parametrize("kind", list(ASSIGNMENT_POISON))
async def test_poison_on_a_workers_assignments_is_dead_lettered_and_the_rest_runs(
    pipe: Pipeline, kind: str
) -> None:
    store = pipe.store
    await register(store, "w1", capacity=2)  # room for the poison and the good group
    entry_id, dead = await ASSIGNMENT_POISON[kind](store)
    good_gid, _, good = await _given_group(store, "G")  # given after the poison
    worker = pipe.start_worker("w1")
    for job_id in good:
        await pipe.wait_status(job_id, "passed", timeout=20)
    letters = await async_wait_until(
        lambda: _dead_letters(store), timeout=10, what="the poison dead-lettered"
    )
    assert {(f["reason"], f["stream"], f["entry"]) for f in letters} == {
        ("poison", "assign", entry_id)
    }
    assert set(dead) <= {f["job"] for f in letters}
    for job_id in dead:
        assert await store.redis.hget(store.keys.job(job_id), "status") == "dead"
    await async_wait_until(lambda: _no_lanes(worker), timeout=10, what="w1's lanes free")
    assert await held_by(store, "w1") == []
    assert await store.redis.scard(store.keys.worker_groups("w1")) == 0
    assert good_gid


async def test_an_entry_added_to_an_assignment_stream_by_other_means_is_dead_lettered(
    store: Store,
) -> None:
    """Every entry a script adds is read in the same script, so the next group's read gets
    an entry added otherwise (a hand, another program) first: it is dead-lettered there,
    and the group's own entry waits as usual."""
    await submit(store, 1, app="A")
    (first,) = await group_all(store)
    stray = await _raw_xadd(store, store.keys.assign("emulator"), {"group": first.encode()})
    await submit(store, 1, app="B")
    (second,) = await group_all(store)
    letters = await _dead_letters(store)
    assert [(f["reason"], f["stream"], f["entry"]) for f in letters] == [
        ("poison", "assign", stray)
    ]
    assert await held_by(store) == [first, second]  # both wait, each by its own entry
    info = await store.redis.xinfo_groups(store.keys.assign("emulator"))
    assert [(g["name"], g["pending"], g["lag"]) for g in info] == [("workers", 2, 0)]


async def _no_lanes(worker: Any) -> bool:
    return not worker.lanes


# --- the last guard: entries delivered too often --------------------------------------------


async def test_an_entry_no_script_can_take_is_dead_lettered_after_its_deliveries(
    pipe: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A future fault of the grouping script on one entry (simulated: the call raises as a
    failing script does) stops neither the other entries nor the stream."""
    store = pipe.store
    (cursed,) = await submit(store, path="tests/cursed.spec.js")
    others = await submit(store, 3)
    real_join = SchedulerStore.join

    async def join(self: SchedulerStore, entries: Any, *args: Any) -> list[str]:
        if any(f.get("job") == cursed.id for _, f in entries):
            raise ResponseError("Error running script: simulated fault")
        return await real_join(self, entries, *args)

    monkeypatch.setattr(SchedulerStore, "join", join)
    pipe.start_scheduler(max_deliveries=3, claim_idle_ms=200)
    pipe.start_worker("w1")
    await _wait_passed(pipe, others)
    await pipe.wait_status(cursed.id, "dead", timeout=20)
    (letter,) = await _dead_letters(store)
    assert (letter["reason"], letter["stream"], letter["job"]) == ("poison", "jobs", cursed.id)
    assert "delivered" in letter["last_error"]
    assert await _pending(store, store.keys.jobs_stream(), "schedulers") == 0


async def test_an_assignment_no_worker_can_take_ends_its_jobs_dead(
    pipe: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on a worker's assignments: the group goes back once, and when it fails again
    its jobs end dead; the worker goes on with other groups."""
    store = pipe.store
    cursed = await submit(store, 2, app="C")
    real_acquire = WorkerStore.acquire

    async def acquire(self: WorkerStore, entry: Any) -> Any:
        app = await store.redis.hget(store.keys.group(entry[1].get("group", "")), "app_version_id")
        if app == "C":
            raise ResponseError("Error running script: simulated fault")
        return await real_acquire(self, entry)

    monkeypatch.setattr(WorkerStore, "acquire", acquire)
    pipe.start_scheduler()
    pipe.start_worker("w1", max_deliveries=3)
    for job in cursed:
        await pipe.wait_status(job.id, "dead", timeout=30)
    healthy = await submit(store, 2, app="H")
    await _wait_passed(pipe, healthy)
    letters = await _dead_letters(store)
    assert {f["reason"] for f in letters} == {"poison"}
    assert sorted(f["job"] for f in letters if f["job"]) == sorted(j.id for j in cursed)
