"""A suite never expires while one of its jobs is unfinished (real redis-server)."""

from __future__ import annotations

from qgjob_schemas import JobResult, Outcome, SuitePayload
from qgjob_store import JobStore, Store, SuiteStore, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed


async def _ttls(store: Store, suite_id: str) -> list[int]:
    k = store.keys
    keys = (k.suite(suite_id), k.suite_jobs(suite_id), k.suite_counts(suite_id))
    keys += (k.suite_events(suite_id),)  # its events' own stream
    return [int(await store.redis.ttl(key)) for key in keys]


async def test_a_suite_expires_only_after_its_last_job_ends(store: Store) -> None:
    suites = SuiteStore(store)
    payload = SuitePayload(app_version_id="v1", tests=["tests/a.spec.js", "tests/b.spec.js"])
    suite = await suites.create(
        "s1", "org1", payload, default_max_attempts=3, job_id=lambda i: f"s1-{i}"
    )
    a, b = suite.job_ids
    assert await _ttls(store, "s1") == [-1, -1, -1, -1]  # no expiry while jobs are queued
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    assert (await ws.start(lease, a)).ok
    assert await ws.finish(lease, a, passed()) == "passed"
    assert await _ttls(store, "s1") == [-1, -1, -1, -1]  # b is still to run
    assert (await ws.start(lease, b)).ok
    final = JobResult(outcome=Outcome.ERROR, message="no device", retryable=False)
    assert await ws.finish(lease, b, final) == "dead"
    assert all(t > 0 for t in await _ttls(store, "s1"))  # every job ended: retention starts
    assert await JobStore(store).requeue(b) == "requeued"
    assert await _ttls(store, "s1") == [-1, -1, -1, -1]  # live work again
    got = await suites.get("s1")
    assert got is not None and got.total == 2


async def test_a_finished_jobs_log_expires_with_its_record(store: Store) -> None:
    """The last output, appended when the job ends, makes the log only then: it must still
    expire with the record, and a retried job's log must not expire while it waits."""
    suites = SuiteStore(store)
    payload = SuitePayload(app_version_id="v1", tests=["tests/a.spec.js", "tests/b.spec.js"])
    suite = await suites.create(
        "s2", "org1", payload, default_max_attempts=3, job_id=lambda i: f"s2-{i}"
    )
    a, b = suite.job_ids
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    log_of = store.keys.job_log
    assert (await ws.start(lease, a)).ok
    assert not await store.redis.exists(log_of(a))  # nothing written while it ran
    assert (await ws.step(lease, a, passed(), log="the last output\n")).status == "passed"
    assert await store.redis.get(log_of(a)) == "the last output\n"
    assert int(await store.redis.ttl(log_of(a))) > 0  # as the record's
    assert (await ws.start(lease, b)).ok
    retry = JobResult(outcome=Outcome.ERROR, message="device lost")
    step = await ws.step(lease, b, retry, backoff_s=60, log="before the retry\n")
    assert step.status == "error"
    assert int(await store.redis.ttl(log_of(b))) == -1  # unfinished: kept
