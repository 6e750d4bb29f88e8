"""The Lua state changes on a real redis-server."""

from __future__ import annotations

import pytest
from redis.exceptions import ResponseError

from qgjob_schemas import JobPayload, JobResult, JobStatus, Outcome
from qgjob_store import JobStore, NewJob, SchedulerStore, StatsStore, Store, WorkerStore
from qgjob_store.lua_source import read_lua
from tests.integration.helpers import (
    dispatch_and_acquire,
    give,
    group_all,
    passed,
    read_and_acquire,
    register,
    submit,
)
from tests.support.waiting import async_wait_until


async def status(store: Store, job_id: str) -> str:
    job = await JobStore(store).get(job_id)
    assert job is not None
    return job.status.value


async def test_submit_writes_the_record_the_stream_entry_and_an_event(store: Store) -> None:
    (job,) = await submit(store)
    assert await status(store, job.id) == "queued"
    entries = await store.redis.xrange(store.keys.jobs_stream())
    assert [f["job"] for _, f in entries] == [job.id]
    events = await store.redis.xrange(store.keys.events())
    assert [(f["job"], f["status"]) for _, f in events] == [(job.id, "queued")]


async def test_submit_is_idempotent_by_job_id(store: Store) -> None:
    (job,) = await submit(store)
    payload = JobPayload(
        org_id=job.org_id,
        app_version_id=job.app_version_id,
        test_path=job.test_path,
        target=job.target,
    )
    again = await JobStore(store).submit([NewJob(job.id, payload, 3)])
    assert again == [job]
    assert await store.redis.xlen(store.keys.jobs_stream()) == 1


async def test_one_submit_call_may_carry_thousands_of_jobs(store: Store) -> None:
    jobs = await submit(store, 2500, org="big")
    assert len({j.id for j in jobs}) == 2500
    assert await store.redis.xlen(store.keys.jobs_stream()) == 2500
    stats = await StatsStore(store).stats("big")
    assert stats.jobs_by_status[JobStatus.QUEUED] == 2500
    page = await JobStore(store).page(org_id="big", limit=500)
    assert len(page.items) == 500


async def test_join_groups_by_org_app_and_target(store: Store) -> None:
    a = await submit(store, 3, app="A")
    b = await submit(store, 2, app="B")
    a_bs = await submit(store, 2, app="A", target="browserstack")
    other_org = await submit(store, 1, app="A", org="org2")
    touched = await group_all(store)
    assert len(touched) == 4
    jobs = JobStore(store)
    groups = {}
    for job in a + b + a_bs + other_org:
        got = await jobs.get(job.id)
        assert got is not None and got.status is JobStatus.SCHEDULED
        groups.setdefault(got.group_id, []).append(job.id)
    assert sorted(len(v) for v in groups.values()) == [1, 2, 2, 3]
    assert sorted(groups[(await jobs.get(a[0].id)).group_id]) == sorted(j.id for j in a)  # type: ignore[union-attr]


async def test_join_acks_only_with_the_state_change(store: Store) -> None:
    await submit(store, 5)
    from tests.integration.helpers import scheduler_reader

    reader = scheduler_reader(store)
    await reader.start()
    entries = await reader.read(block=False)
    assert len(entries) == 5
    pending = await store.redis.xpending(store.keys.jobs_stream(), "schedulers")
    assert pending["pending"] == 5  # read but not grouped: still pending
    # the consumer "crashes" and a new one with the same name recovers its own entries
    again = scheduler_reader(store)
    await again.start()
    recovered = await again.read(block=False)
    assert [e[0] for e in recovered] == [e[0] for e in entries]
    await SchedulerStore(store).join(recovered, 50)
    pending = await store.redis.xpending(store.keys.jobs_stream(), "schedulers")
    assert pending["pending"] == 0


async def test_a_redelivered_submission_never_lands_in_two_groups(store: Store) -> None:
    await submit(store, 1)
    from tests.integration.helpers import scheduler_reader

    reader = scheduler_reader(store)
    await reader.start()
    entries = await reader.read(block=False)
    sched = SchedulerStore(store)
    first = await sched.join(entries, 50)
    second = await sched.join(entries, 50)  # the same entries again
    assert len(first) == 1 and second == []
    group_jobs = await store.redis.lrange(store.keys.group_jobs(first[0]), 0, -1)
    assert len(group_jobs) == 1


async def test_max_group_size_opens_a_second_group(store: Store) -> None:
    await submit(store, 5)
    touched = await group_all(store, max_size=3)
    sizes = [await store.redis.llen(store.keys.group_jobs(g)) for g in touched]
    assert sizes == [3, 2]


async def test_poison_entry_goes_to_dead_letters_and_is_acked(store: Store) -> None:
    await store.redis.xadd(store.keys.jobs_stream(), {"garbage": "1"})
    await store.redis.xadd(store.keys.jobs_stream(), {"job": "does-not-exist"})
    (good,) = await submit(store, 1)
    touched = await group_all(store)
    assert len(touched) == 1
    dead = await JobStore(store).dead_letters()
    assert sorted(d.reason for d in dead) == ["poison", "poison"]
    pending = await store.redis.xpending(store.keys.jobs_stream(), "schedulers")
    assert pending["pending"] == 0
    assert await status(store, good.id) == "scheduled"


async def test_full_run_of_a_group(store: Store) -> None:
    jobs = await submit(store, 3)
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    assert [j.id for j in lease.jobs] == [j.id for j in jobs]
    await ws.record_install(lease, installed=True, seconds=0.1, versions=["A"])
    for j in jobs:
        started = await ws.start(lease, j.id)
        assert started.ok and started.attempt == 1
        assert await status(store, j.id) == "running"
        assert await ws.finish(lease, j.id, passed()) == "passed"
    assert await ws.close(lease) is None
    group = await store.redis.hgetall(store.keys.group(gid))
    assert group["state"] == "done"
    stats = await JobStore(store).stats()
    assert stats.jobs_by_status["passed"] == 3 and stats.installs_done == 1
    assert await store.redis.xpending(store.keys.assign("emulator"), "workers") == {
        "pending": 0,
        "min": None,
        "max": None,
        "consumers": [],
    }


async def test_jobs_that_join_a_running_group_are_handed_over(store: Store) -> None:
    await submit(store, 1)
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    late = await submit(store, 2)
    assert await group_all(store) == [gid]  # joined the running group
    more = await ws.close(lease)
    assert more is not None and [j.id for j in more] == [j.id for j in late]
    assert await ws.close(lease) is None


async def test_fencing_refuses_a_stale_worker(store: Store) -> None:
    (job,) = await submit(store, 1)
    (gid,) = await group_all(store)
    w1 = await register(store, "w1", lease_ms=1)
    assert await give(store, gid, "w1") == [gid]
    stale = await read_and_acquire(store, "w1")
    assert (await w1.start(stale, job.id)).ok
    # w1 stops renewing its 1 ms lease: the scheduler takes the group back, gives it to w2
    sched = SchedulerStore(store)
    assert await async_wait_until(sched.recover, timeout=5, what="the lease to expire") == [gid]
    w2 = await register(store, "w2")
    assert await give(store, gid, "w2") == [gid]
    fresh = await read_and_acquire(store, "w2")
    assert fresh.epoch != stale.epoch
    # the stale worker wakes up: it can neither finish, start, renew nor close
    assert await w1.finish(stale, job.id, JobResult(outcome=Outcome.FAILED)) is None
    assert not (await w1.start(stale, job.id)).ok
    assert await w1.renew(stale) is False
    # the new owner reruns the job (the lost run counts as an attempt) and finishes it
    started = await w2.start(fresh, job.id)
    assert started.ok and started.attempt == 2
    assert await w2.finish(fresh, job.id, passed()) == "passed"
    assert await w1.finish(stale, job.id, JobResult(outcome=Outcome.FAILED)) is None
    assert await status(store, job.id) == "passed"
    terminal = [
        f
        for _, f in await store.redis.xrange(store.keys.events())
        if f["job"] == job.id and f["status"] in ("passed", "failed")
    ]
    assert len(terminal) == 1


async def test_infrastructure_error_is_retried_then_dead_lettered(store: Store) -> None:
    (job,) = await submit(store, 1, max_attempts=2)
    sched = SchedulerStore(store)
    ws = WorkerStore(store, "w1", "emulator")
    for attempt in (1, 2):
        (gid,) = await group_all(store)
        lease = await dispatch_and_acquire(store, gid)
        started = await ws.start(lease, job.id)
        assert started.attempt == attempt
        err = JobResult(outcome=Outcome.ERROR, message="device lost", log_tail="adb: gone")
        new = await ws.finish(lease, job.id, err, backoff_s=0)
        await ws.close(lease)
        if attempt == 1:
            assert new == "error"
            assert await store.redis.zscore(store.keys.delayed(), job.id) is not None
            assert await sched.promote_due() == 1
            assert await status(store, job.id) == "queued"
        else:
            assert new == "dead"
    dead = await JobStore(store).dead_letters()
    assert [(d.job_id, d.reason, d.attempts, d.last_error, d.log_tail) for d in dead] == [
        (job.id, "attempts_exhausted", 2, "device lost", "adb: gone")
    ]
    assert await JobStore(store).requeue(job.id) == "requeued"
    requeued = await JobStore(store).get(job.id)
    assert requeued is not None and requeued.status is JobStatus.QUEUED and requeued.attempts == 0


async def test_a_retry_waits_for_its_backoff(store: Store) -> None:
    (job,) = await submit(store, 1)
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.start(lease, job.id)
    await ws.finish(lease, job.id, JobResult(outcome=Outcome.ERROR, message="x"), backoff_s=60)
    assert await SchedulerStore(store).promote_due() == 0
    assert await status(store, job.id) == "error"


async def test_cancel_in_each_state(store: Store) -> None:
    jobs_api = JobStore(store)
    queued, scheduled, running, done = await submit(store, 4)
    await group_all(store)
    # 'queued' again for the first one: cancel before it was grouped is covered by a new job
    (fresh,) = await submit(store, 1, app="Z")
    assert await jobs_api.cancel(fresh.id) == "cancelled"
    assert await jobs_api.cancel(scheduled.id) == "cancelled"
    gid = (await jobs_api.get(running.id)).group_id  # type: ignore[union-attr]
    assert gid is not None
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    assert not (await ws.start(lease, scheduled.id)).ok  # a cancelled job never runs
    assert (await ws.start(lease, running.id)).ok
    assert await jobs_api.cancel(running.id) == "requested"
    assert await ws.renew(lease) and running.id in lease.cancel_requested
    assert await ws.finish(lease, running.id, JobResult(outcome=Outcome.CANCELLED)) == "cancelled"
    assert (await ws.start(lease, done.id)).ok
    await ws.finish(lease, done.id, passed())
    assert await jobs_api.cancel(done.id) == "conflict"
    assert await jobs_api.cancel("missing") == "missing"
    # the cancelled, never-grouped job is skipped by the scheduler
    assert await group_all(store) == []
    assert await status(store, fresh.id) == "cancelled"
    assert queued.id  # grouped and still waiting


async def test_a_script_error_names_the_script_and_the_line_of_its_source(store: Store) -> None:
    """Redis points at a line of the text as shipped; the error names the file and line it
    came from, on the client and on the worker's own connection alike."""
    await store.redis.set(store.keys.job("str"), "not a job")
    with pytest.raises(ResponseError) as caught:
        await JobStore(store).requeue("str")
    line = _line_of("requeue", "local j = redis.call('HMGET', jkey")
    assert f"[qgjob script requeue, lua/requeue.lua:{line}]" in str(caught.value)
    await submit(store)
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")  # the hot path: a connection of its own
    with pytest.raises(ResponseError) as caught:
        await ws.start(lease, "str")
    line = _line_of("includes/start_job", "local j = redis.call('HMGET', jkey")
    assert f"[qgjob script start, lua/includes/start_job.lua:{line}]" in str(caught.value)
    await ws.aclose()


def _line_of(path: str, text: str) -> int:
    return next(
        i for i, t in enumerate(read_lua(path).split("\n"), 1) if t.strip().startswith(text)
    )
