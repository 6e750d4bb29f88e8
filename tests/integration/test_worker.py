"""Retries, flaky reruns, timeouts and cancel, with a real scheduler and worker on Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qgjob_store import JobStore
from tests.support.inprocess import Pipeline, payload
from tests.support.waiting import async_wait_until


@pytest.fixture
async def pipe(redis_url: str, prefix: str) -> AsyncIterator[Pipeline]:
    p = Pipeline(redis_url, prefix)
    p.start_scheduler()
    try:
        yield p
    finally:
        await p.close()


async def test_flaky_rerun_passes_and_is_reported_flaky(pipe: Pipeline) -> None:
    pipe.start_worker("w1")
    flaky, strict = await pipe.submit(
        [payload("tests/flaky_login.spec.js", flaky_retries=2), payload("tests/flaky_cart.spec.js")]
    )
    job = await pipe.wait_status(flaky.id, "passed", "failed")
    assert job.status.value == "passed"
    assert job.result is not None
    assert job.result.flaky is True
    assert job.result.runs == 2
    assert job.attempts == 1  # a rerun of a failed test is not a retry
    other = await pipe.wait_status(strict.id, "passed", "failed")
    assert other.status.value == "failed"  # no flaky retries asked: a failure is a result


async def test_test_failure_is_a_result_not_retried(pipe: Pipeline) -> None:
    pipe.start_worker("w1")
    (job,) = await pipe.submit([payload("tests/fail_checkout.spec.js")])
    done = await pipe.wait_status(job.id, "failed")
    assert done.attempts == 1
    assert [e["status"] for e in await pipe.events(job.id)] == [
        "queued",
        "scheduled",
        "running",
        "failed",
    ]


async def test_infrastructure_errors_are_retried_with_backoff_then_dead(pipe: Pipeline) -> None:
    pipe.start_worker("w1")
    (job,) = await pipe.submit([payload("tests/infra_device.spec.js")], max_attempts=3)
    dead = await pipe.wait_status(job.id, "dead")
    assert dead.attempts == 3
    statuses = [e["status"] for e in await pipe.events(job.id)]
    assert statuses.count("running") == 3
    assert statuses.count("error") == 2  # two retries waited in the delayed set
    assert statuses[-1] == "dead"
    letters = await JobStore(pipe.store).dead_letters()
    assert [(d.job_id, d.reason, d.attempts) for d in letters] == [
        (job.id, "attempts_exhausted", 3)
    ]
    assert letters[0].last_error == "simulated device connection lost"
    assert "device connection lost" in letters[0].log_tail


async def test_a_hung_test_times_out_as_an_error(pipe: Pipeline) -> None:
    pipe.start_worker("w1", run_timeout_s=0.3)
    (job,) = await pipe.submit([payload("tests/hang_forever.spec.js")], max_attempts=2)
    dead = await pipe.wait_status(job.id, "dead")
    assert dead.error == "timed out after 0.3s"
    assert dead.attempts == 2


async def test_cancel_stops_a_running_test(pipe: Pipeline) -> None:
    pipe.start_worker("w1")
    (job,) = await pipe.submit([payload("tests/hang_video.spec.js")])
    await pipe.wait_status(job.id, "running")
    assert await JobStore(pipe.store).cancel(job.id) == "requested"
    done = await pipe.wait_status(job.id, "cancelled", timeout=5)
    assert done.result is not None
    assert done.result.outcome.value == "cancelled"


async def test_cancelled_waiting_jobs_never_run(pipe: Pipeline) -> None:
    pipe.start_worker("w1")
    blocker, waiting = await pipe.submit(
        [payload("tests/hang_a.spec.js"), payload("tests/b.spec.js")]
    )
    await pipe.wait_status(blocker.id, "running")
    assert (await pipe.job(waiting.id)).status.value == "scheduled"
    assert await JobStore(pipe.store).cancel(waiting.id) == "cancelled"
    assert await JobStore(pipe.store).cancel(blocker.id) == "requested"
    await pipe.wait_status(blocker.id, "cancelled")

    # the worker moves on to the next job of the group, which it must skip

    async def group_done() -> bool:
        gid = (await pipe.job(blocker.id)).group_id
        state = await pipe.store.redis.hget(pipe.store.keys.group(gid or ""), "state")
        return state == "done"

    await async_wait_until(group_done, timeout=5, what="the group to end")
    statuses = [e["status"] for e in await pipe.events(waiting.id)]
    assert "running" not in statuses
    assert statuses[-1] == "cancelled"
    assert await JobStore(pipe.store).cancel(waiting.id) == "conflict"


async def test_install_failure_is_an_infrastructure_error(pipe: Pipeline) -> None:
    pipe.start_worker("w1", sim_install_error_rate=1.0)
    (job,) = await pipe.submit([payload("tests/a.spec.js")], max_attempts=2)
    dead = await pipe.wait_status(job.id, "dead")
    assert dead.error is not None
    assert dead.error.startswith("install of A failed")
