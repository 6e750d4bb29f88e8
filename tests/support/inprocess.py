"""A scheduler and workers running in the test's event loop, on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Job, JobPayload
from qgjob_store import JobStore, NewJob, Store
from qgjob_worker.drivers import load_driver
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.support.waiting import async_wait_until

FAST_WORKER: dict[str, Any] = {
    "sim_install_ms": 20,
    "sim_test_ms": 10,
    "heartbeat_interval_s": 0.1,
    "lease_ms": 1000,
    "block_ms": 100,
    "retry_base_s": 0.05,
    "retry_cap_s": 0.2,
    "drain_grace_s": 5,
}


@dataclass
class Pipeline:
    url: str
    prefix: str
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    workers: dict[str, Worker] = field(default_factory=dict)

    def _open(self, block_ms: int = 0) -> Store:
        s = Store.open(self.url, prefix=self.prefix, block_ms=block_ms)
        self.stores.append(s)
        return s

    @property
    def store(self) -> Store:
        if not self.stores:
            self._open()
        return self.stores[0]

    def start_scheduler(self, **overrides: Any) -> Scheduler:
        settings = SchedulerSettings(
            redis_url=self.url,
            key_prefix=self.prefix,
            block_ms=100,
            tick_ms=20,
            group_linger_ms=50,
            **overrides,
        )
        sched = Scheduler(settings, self.store, self._open(settings.block_ms))
        self.tasks.append(asyncio.create_task(sched.run(self.stop)))
        return sched

    def start_worker(
        self,
        worker_id: str,
        target: str = "emulator",
        *,
        stop: asyncio.Event | None = None,
        **overrides: Any,
    ) -> Worker:
        settings = WorkerSettings(
            redis_url=self.url,
            key_prefix=self.prefix,
            target=target,
            worker_id=worker_id,
            **{**FAST_WORKER, **overrides},
        )
        worker = Worker(
            settings,
            self.store,
            self._open(settings.block_ms),
            load_driver(settings, self.store, worker_id),
            worker_id,
        )
        self.tasks.append(asyncio.create_task(worker.run(stop or self.stop)))
        self.workers[worker_id] = worker
        return worker

    async def submit(self, payloads: Sequence[JobPayload], max_attempts: int = 3) -> list[Job]:
        jobs = JobStore(self.store)
        return await jobs.submit([jobs.prepare(p, max_attempts) for p in payloads])

    async def job(self, job_id: str) -> Job:
        job = await JobStore(self.store).get(job_id)
        assert job is not None
        return job

    async def wait_status(self, job_id: str, *statuses: str, timeout: float = 10) -> Job:
        async def reached() -> Job | None:
            job = await self.job(job_id)
            return job if job.status.value in statuses else None

        return await async_wait_until(
            reached, timeout=timeout, what=f"job {job_id} to be {'/'.join(statuses)}"
        )

    async def events(self, job_id: str) -> list[dict[str, str]]:
        entries = await self.store.redis.xrange(self.store.keys.events())
        return [f for _, f in entries if f["job"] == job_id]

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), 30)
        for s in self.stores:
            await s.close()


def payload(path: str, *, app: str = "A", target: str = "emulator", **extra: Any) -> JobPayload:
    return JobPayload(org_id="org1", app_version_id=app, test_path=path, target=target, **extra)


__all__ = ["FAST_WORKER", "NewJob", "Pipeline", "payload"]
