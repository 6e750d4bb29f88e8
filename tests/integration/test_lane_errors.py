"""Whatever a lane raises that nothing expects (a build fetch, an install, the store's reply,
the driver), the group's jobs end in an infrastructure error, retried after a backoff and
dead once out of attempts: never a hot loop, and the worker goes on serving other orgs."""

from __future__ import annotations

import asyncio
import errno
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import RunJob
from qgjob_store import Store
from qgjob_worker.drivers import LocalBuild
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.integration.helpers import submit
from tests.integration.test_worker_health import Device, all_terminal, jobs_now
from tests.support.waiting import async_wait_until

MAX_ATTEMPTS = 3
BAD_ORG, GOOD_ORG = "org-x", "org-y"


class BuildDevice(Device):
    """A device whose driver wants the build's file (the worker fetches it first)."""

    def __init__(self) -> None:
        super().__init__()
        self.needs_build = True
        self.stages_files = False


@dataclass
class Fault:
    """Raises ``exc`` from one method whenever it serves the bad org; counts the times."""

    exc: BaseException
    hits: int = 0
    at: list[float] = field(default_factory=list)

    def wrap(
        self, fn: Callable[..., Awaitable[Any]], org_of: Callable[..., str | None]
    ) -> Callable[..., Awaitable[Any]]:
        async def faulty(*args: Any, **kwargs: Any) -> Any:
            if org_of(*args) == BAD_ORG:
                self.hits += 1
                self.at.append(time.monotonic())
                raise self.exc
            return await fn(*args, **kwargs)

        return faulty


def _lease_org(lease: Any, *_: Any) -> str:
    return str(lease.org_id)


def _inject(worker: Worker, point: str, fault: Fault, bad_groups: set[str]) -> None:
    ws, driver = worker.jobs, worker.driver
    if point == "build fetch":

        async def fetched(org_id: str, app_version_id: str, _url: str = "") -> LocalBuild:
            return LocalBuild(org_id, app_version_id)  # the good org's build, as if cached

        worker.builds.fetch = fault.wrap(fetched, lambda org, *_: org)  # type: ignore[method-assign]
    elif point == "install":

        def build_org(build: LocalBuild) -> str:
            return build.org_id

        driver.prepare = fault.wrap(driver.prepare, build_org)  # type: ignore[method-assign]
    elif point == "driver run":

        def job_org(job: RunJob, *_: Any) -> str:
            return job.org_id

        driver.run = fault.wrap(driver.run, job_org)  # type: ignore[method-assign]
    elif point == "acquire":

        def entry_org(entry: Any) -> str | None:
            return BAD_ORG if entry[1].get("group") in bad_groups else None

        ws.acquire = fault.wrap(ws.acquire, entry_org)  # type: ignore[method-assign]
    else:
        method = {"record install": "record_install", "result": "step", "close": "close"}[point]
        setattr(ws, method, fault.wrap(getattr(ws, method), _lease_org))


@asynccontextmanager
async def one_device(
    redis_url: str, store: Store, device: Device
) -> AsyncIterator[tuple[Worker, asyncio.Event]]:
    prefix = store.keys.prefix
    stop = asyncio.Event()
    common = {"redis_url": redis_url, "key_prefix": prefix, "block_ms": 100}
    readers = [Store.open(redis_url, prefix=prefix, block_ms=100) for _ in range(2)]
    sched = SchedulerSettings(
        scheduler_id="s1",
        group_linger_ms=20,
        promote_batch=100,
        tick_ms=50,
        **common,  # type: ignore[arg-type]
    )
    worker = Worker(
        WorkerSettings(
            target="device",  # type: ignore[arg-type]
            worker_id="device-1",
            health_interval_s=0.05,
            heartbeat_interval_s=0.1,
            retry_base_s=0.05,
            retry_cap_s=0.2,
            **common,  # type: ignore[arg-type]
        ),
        store,
        readers[1],
        device,
        "device-1",
    )
    tasks = [asyncio.create_task(Scheduler(sched, store, readers[0]).run(stop))]
    try:
        yield worker, stop
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for r in readers:
            await r.close()


CASES = [
    ("build fetch", ValueError("embedded null byte"), "dead"),
    ("build fetch", UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "dead"),
    ("install", RuntimeError("adb said something new"), "dead"),
    ("install", KeyError("package"), "dead"),
    ("record install", TypeError("unexpected reply"), "dead"),
    ("driver run", AttributeError("'NoneType' object has no attribute 'pid'"), "dead"),
    ("result", ZeroDivisionError("division by zero"), "dead"),
    ("close", OSError(errno.ENOSPC, "No space left on device"), "passed"),
]


@pytest.mark.parametrize(
    ("point", "exc", "final"), CASES, ids=[f"{c[0]}-{type(c[1]).__name__}" for c in CASES]
)
async def test_an_unexpected_exception_in_a_lane_ends_in_a_bounded_outcome(
    redis_url: str, store: Store, point: str, exc: BaseException, final: str
) -> None:
    device = BuildDevice() if point == "build fetch" else Device()
    fault = Fault(exc)
    async with one_device(redis_url, store, device) as (worker, stop):
        _inject(worker, point, fault, set())
        run = asyncio.create_task(worker.run(stop))
        bad = await submit(
            store,
            2,
            app="A",
            target="device",
            org=BAD_ORG,
            max_attempts=MAX_ATTEMPTS,
            path="tests/x{}.spec.js",
        )
        good = await submit(
            store, 2, app="B", target="device", org=GOOD_ORG, path="tests/y{}.spec.js"
        )
        done = await async_wait_until(
            lambda: all_terminal(store, bad + good), timeout=30, what="every job terminal"
        )
        stop.set()
        await run
    assert fault.hits >= 1  # the fault did strike
    # every strike charged the jobs an attempt: a bounded number of them, not a loop
    assert fault.hits <= 2 * len(bad) * MAX_ATTEMPTS, fault.hits
    assert {done[j.test_path].status.value for j in good} == {"passed"}
    outcome = {j.id: done[j.test_path] for j in bad}
    assert {j.status.value for j in outcome.values()} == {final}
    if final == "dead" and point != "result":
        assert all(j.attempts == MAX_ATTEMPTS for j in outcome.values())
        assert all(type(exc).__name__ in (j.error or "") for j in outcome.values()), [
            j.error for j in outcome.values()
        ]


async def test_an_assignment_that_cannot_be_taken_up_is_retried_with_a_growing_backoff(
    redis_url: str, store: Store
) -> None:
    """Before there is a lease nothing can be charged: the entry is read again after a
    backoff that doubles with each failure in a row, not every half second."""
    fault = Fault(RuntimeError("unexpected reply to acquire"))
    async with one_device(redis_url, store, Device()) as (worker, stop):
        bad_groups: set[str] = set()
        _inject(worker, "acquire", fault, bad_groups)
        bad = await submit(store, 1, app="A", target="device", org=BAD_ORG)

        async def grouped() -> bool:
            gid = next(iter((await jobs_now(store, bad)).values())).group_id
            if gid:
                bad_groups.add(gid)
            return bool(gid)

        await async_wait_until(grouped, timeout=10, what="the bad job grouped")
        run = asyncio.create_task(worker.run(stop))
        await async_wait_until(lambda: _true(fault.hits >= 4), timeout=15, what="4 strikes")
        stop.set()
        await run
    gaps = [b - a for a, b in zip(fault.at, fault.at[1:], strict=False)]
    assert gaps[2] > 1.5 * gaps[0], gaps


async def _true(value: bool) -> bool:
    return value
