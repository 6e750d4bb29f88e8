"""The worker takes no work while its device is not ready, gives a group back when the
device goes away mid-group, and lets a configuration error end jobs without retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Job, JobResult, RunJob
from qgjob_store import JobStore, Store, WorkerRegistry
from qgjob_worker.drivers import (
    READY,
    ConfigurationError,
    DeviceHealth,
    DeviceOfflineError,
    LocalBuild,
    LogSink,
    not_ready,
)
from qgjob_worker.drivers.simulated import SimulatedDriver
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.integration.helpers import submit
from tests.support.waiting import async_wait_until

TERMINAL = {"passed", "failed", "dead", "cancelled"}


class Device(SimulatedDriver):
    """A simulated device whose health the test controls, that can drop off mid-run."""

    def __init__(self) -> None:
        super().__init__(install_ms=0, test_ms=0)
        self.healthy = True
        self.health_calls = 0
        self.unplug_on = ""
        self.refuse_install = False

    async def health(self) -> DeviceHealth:
        self.health_calls += 1
        return READY if self.healthy else not_ready("emulator-5554 is offline")

    async def prepare(self, build: LocalBuild) -> bool:
        if self.refuse_install:
            raise ConfigurationError("BrowserStack refused the credentials (401)")
        return await super().prepare(build)

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        if self.unplug_on and self.unplug_on in job.test_path:
            self.healthy = False
            raise DeviceOfflineError("device emulator-5554 went offline during the run")
        return await super().run(job, log)


@asynccontextmanager
async def running(redis_url: str, store: Store, device: Device) -> AsyncIterator[Worker]:
    prefix = store.keys.prefix
    stop = asyncio.Event()
    common = {"redis_url": redis_url, "key_prefix": prefix, "block_ms": 100}
    sched_settings = SchedulerSettings(scheduler_id="s1", group_linger_ms=50, **common)  # type: ignore[arg-type]
    worker_settings = WorkerSettings(
        target="device",  # type: ignore[arg-type]
        worker_id="device-1",
        health_interval_s=0.05,
        heartbeat_interval_s=0.2,
        retry_base_s=0.01,
        retry_cap_s=0.05,
        **common,  # type: ignore[arg-type]
    )
    readers = [Store.open(redis_url, prefix=prefix, block_ms=100) for _ in range(2)]
    worker = Worker(worker_settings, store, readers[1], device, "device-1")
    tasks = [
        asyncio.create_task(Scheduler(sched_settings, store, readers[0]).run(stop)),
        asyncio.create_task(worker.run(stop)),
    ]
    try:
        yield worker
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for r in readers:
            await r.close()


async def jobs_now(store: Store, jobs: list[Job]) -> dict[str, Job]:
    out = {}
    for j in jobs:
        got = await JobStore(store).get(j.id)
        assert got is not None
        out[j.test_path] = got
    return out


async def all_terminal(store: Store, jobs: list[Job]) -> dict[str, Job] | None:
    now = await jobs_now(store, jobs)
    return now if all(j.status.value in TERMINAL for j in now.values()) else None


async def worker_state(store: Store) -> str | None:
    return await store.redis.hget(store.keys.worker("device-1"), "state")  # type: ignore[no-any-return]


async def test_an_unhealthy_worker_takes_no_work_until_its_device_is_back(
    redis_url: str, store: Store
) -> None:
    device = Device()
    device.healthy = False
    async with running(redis_url, store, device) as worker:
        jobs = await submit(store, 3, target="device")
        await async_wait_until(
            lambda: _is(worker_state(store), "unhealthy"), timeout=10, what="state unhealthy"
        )
        calls = device.health_calls
        await async_wait_until(
            lambda: _true(device.health_calls >= calls + 5), timeout=10, what="more checks"
        )
        assert {j.status.value for j in (await jobs_now(store, jobs)).values()} == {"scheduled"}
        assert worker.groups_run == 0
        shown = await WorkerRegistry(store).get("device-1")
        assert shown is not None and shown.health_detail == "emulator-5554 is offline"
        device.healthy = True
        done = await async_wait_until(lambda: all_terminal(store, jobs), timeout=20, what="jobs")
        shown = await WorkerRegistry(store).get("device-1")
        assert shown is not None and shown.state.value in ("idle", "busy")
        assert shown.health_detail is None
    assert {j.status.value for j in done.values()} == {"passed"}


async def test_a_device_lost_mid_group_gives_the_rest_of_the_group_back(
    redis_url: str, store: Store
) -> None:
    device = Device()
    device.unplug_on = "t1"
    async with running(redis_url, store, device):
        jobs = await submit(store, 4, target="device")  # tests/t0 ... t3, run in that order
        await async_wait_until(
            lambda: _is(worker_state(store), "unhealthy"), timeout=10, what="state unhealthy"
        )
        now = await jobs_now(store, jobs)
        assert now["tests/t0.spec.js"].status.value == "passed"
        assert now["tests/t1.spec.js"].status.value in ("error", "queued", "scheduled")
        assert now["tests/t1.spec.js"].attempts == 1
        assert [now[f"tests/t{i}.spec.js"].attempts for i in (2, 3)] == [0, 0]  # never started
        device.unplug_on = ""
        device.healthy = True
        done = await async_wait_until(lambda: all_terminal(store, jobs), timeout=20, what="jobs")
    assert {j.status.value for j in done.values()} == {"passed"}
    assert [done[f"tests/t{i}.spec.js"].attempts for i in range(4)] == [1, 2, 1, 1]


async def test_a_configuration_error_ends_the_jobs_dead_without_retries(
    redis_url: str, store: Store
) -> None:
    device = Device()
    device.refuse_install = True
    async with running(redis_url, store, device):
        jobs = await submit(store, 2, target="device", max_attempts=3)
        done = await async_wait_until(lambda: all_terminal(store, jobs), timeout=20, what="jobs")
    assert {(j.status.value, j.attempts) for j in done.values()} == {("dead", 1)}
    assert all("refused the credentials" in (j.error or "") for j in done.values())
    letters = await JobStore(store).dead_letters()
    assert {d.reason for d in letters} == {"not_retryable"}
    assert (await JobStore(store).stats()).retries == 0


async def _is(value: object, expected: str) -> bool:
    return await value == expected  # type: ignore[misc]


async def _true(value: bool) -> bool:
    return value
