"""The worker's Prometheus metrics: installs and test runs as its driver sees them (the
driver is wrapped, the loop is untouched), plus the store's figures."""

from __future__ import annotations

import asyncio
import time

from prometheus_client import CollectorRegistry, Counter, Histogram

from qgjob_core.metrics import StoreCollector
from qgjob_schemas import JobResult, RunJob
from qgjob_worker.drivers import DeviceHealth, Driver, LocalBuild, LogSink

DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)


class WorkerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.installs = Counter(
            "qgjob_worker_installs",
            "App installs by this worker: installed, reused (already there) or failed.",
            ["result"],
            registry=self.registry,
        )
        self.install_seconds = Histogram(
            "qgjob_worker_install_duration_seconds",
            "Time to make an app version available.",
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.test_seconds = Histogram(
            "qgjob_test_duration_seconds",
            "Test run durations by target and outcome (error: infrastructure, retried).",
            ["target", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.store = StoreCollector()
        self.registry.register(self.store)


class MeteredDriver:
    """A driver that reports what it does to :class:`WorkerMetrics`."""

    def __init__(self, inner: Driver, metrics: WorkerMetrics) -> None:
        self.inner, self.metrics = inner, metrics
        self.name = inner.name
        self.needs_build = inner.needs_build
        self.stages_files = inner.stages_files

    async def prepare(self, build: LocalBuild) -> bool:
        started = time.monotonic()
        try:
            installed = await self.inner.prepare(build)
        except BaseException:
            self.metrics.installs.labels("failed").inc()
            raise
        self.metrics.installs.labels("installed" if installed else "reused").inc()
        if installed:
            self.metrics.install_seconds.observe(time.monotonic() - started)
        return installed

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        started = time.monotonic()
        outcome = "error"
        try:
            result = await self.inner.run(job, log)
            outcome = result.outcome.value
            return result
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            elapsed = time.monotonic() - started
            self.metrics.test_seconds.labels(job.target, outcome).observe(elapsed)

    async def evict(self, app_version_id: str) -> None:
        await self.inner.evict(app_version_id)

    async def health(self) -> DeviceHealth:
        return await self.inner.health()

    def installed_versions(self) -> list[str]:
        return self.inner.installed_versions()

    async def aclose(self) -> None:
        await self.inner.aclose()
