"""The worker loop: take the groups the scheduler gave it (its pending list in its target's
assignment stream), install each app once, run the jobs, keep the lease. A worker runs up to
``capacity`` groups at once (one per lane: a device has one, an emulator host may have
several)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import replace

import structlog

from qgjob_core import tracing
from qgjob_core.artifacts import ArtifactStore
from qgjob_core.lifecycle import wait_or_stop
from qgjob_core.retrying import STORE_ERRORS, Backoff, until_ok
from qgjob_schemas import Outcome, RunJob, WorkerState
from qgjob_store import BuildStore, Entry, Lease, Started, Store, WorkerStore
from qgjob_worker.backoff import retry_delay
from qgjob_worker.builds import BuildFetcher
from qgjob_worker.drivers import ConfigurationError, Driver, DriverError, LocalBuild
from qgjob_worker.execution import JobRunner, LogBuffer, StopReason
from qgjob_worker.lanes import STORE_OUTAGE, LaneRetries, fail, give_up, keep_lease, runnable
from qgjob_worker.settings import WorkerSettings
from qgjob_worker.spans import install_span, run_span

log = structlog.get_logger("qgjob.worker")
HEALTH_TIMEOUT_S = 30.0


class Worker:
    def __init__(
        self,
        settings: WorkerSettings,
        store: Store,
        reader_store: Store,
        driver: Driver,
        worker_id: str,
    ) -> None:
        self.settings = settings
        self.driver = driver
        self.id = worker_id
        self.jobs = WorkerStore(
            store,
            worker_id,
            settings.target.value,
            duration_alpha=settings.duration_alpha,
            # the dedicated connection bypasses the client that tracing instruments
            hot_path=not tracing.enabled(),
        )
        self.lanes: dict[str, asyncio.Task[None]] = {}
        """Groups being run, by assignment entry id."""
        self.reader = self.jobs.reader(
            reader_store, block_ms=settings.block_ms, max_deliveries=settings.max_deliveries
        )
        self.runners: set[JobRunner] = set()
        self.builds = BuildFetcher(BuildStore(store), settings.build_cache_dir)
        self.artifacts = ArtifactStore(settings.artifact_dir)
        self.draining = False
        self.device_lost = False
        self.health_detail = ""
        """Why the device was not ready at the last health check (the driver's words)."""
        self.groups_run = 0
        self.retries = LaneRetries()

    @property
    def state(self) -> WorkerState:
        if self.draining:
            return WorkerState.DRAINING
        if self.device_lost:
            return WorkerState.UNHEALTHY
        return WorkerState.BUSY if self.lanes else WorkerState.IDLE

    # --- main loop -------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, then drain: finish the running tests (within the grace
        period), hand the rest of each group back, and return."""
        log.info(
            "worker starting",
            worker_id=self.id,
            target=self.settings.target.value,
            driver=self.driver.name,
            capacity=self.settings.capacity,
        )
        await until_ok(stop, self.reader.start)
        await self._beat(self.state)
        beats_done = asyncio.Event()
        beats = asyncio.create_task(self._heartbeats(beats_done))
        grace = asyncio.create_task(self._grace_timer(stop))
        backoff = Backoff()
        try:
            while not stop.is_set():
                try:
                    if len(self.lanes) >= self.settings.capacity:
                        await self._lane_freed(stop)
                        continue
                    if not await self._wait_until_healthy(stop):
                        continue
                    entry = await self._next_assignment(stop)
                    if entry is not None:
                        self._start_lane(entry, stop)
                    backoff.reset()
                except Exception as exc:
                    if not isinstance(exc, STORE_ERRORS):
                        log.exception("worker loop error")
                    await backoff.wait(stop, exc)
            await asyncio.gather(*self.lanes.values(), return_exceptions=True)
        finally:
            grace.cancel()
            beats_done.set()
            await beats
            await self._beat(WorkerState.DRAINING)
            await self.jobs.aclose()
            log.info("worker stopped", groups_run=self.groups_run)

    async def _grace_timer(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.draining = True
        running = [r.current_job for r in self.runners if r.current_job]
        if running:
            log.info(
                "draining: letting the running tests finish",
                job_ids=running,
                grace_s=self.settings.drain_grace_s,
            )
        await asyncio.sleep(self.settings.drain_grace_s)
        if any([r.stop_current(StopReason.SHUTDOWN) for r in self.runners]):
            log.warning("drain grace period over: stopping the running tests")

    async def _lane_freed(self, stop: asyncio.Event) -> None:
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({stopper, *self.lanes.values()}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()

    async def _next_assignment(self, stop: asyncio.Event) -> Entry | None:
        """The next group this worker holds (given by the scheduler, or held before a
        restart) that no lane runs and that is not waiting out a lane's failure; when there
        is none, waits until the scheduler gives one (or ``block_ms`` passed, or ``stop``
        was set: a worker told to stop does not wait out its read; an entry the read took
        stays in its pending list, to be taken up again)."""
        read = asyncio.ensure_future(self.reader.read(skip=self._busy))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({read, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not read.done():
            read.cancel()
            await asyncio.gather(read, return_exceptions=True)
            return None
        entries = read.result()
        return entries[0] if entries else None

    def _busy(self, entry_id: str) -> bool:
        return entry_id in self.lanes or not self.retries.due(entry_id)

    async def _wait_until_healthy(self, stop: asyncio.Event) -> bool:
        """``True`` when the device is ready; otherwise wait a while, taking no work."""
        if await self._device_ok():
            return True
        await self._beat(self.state)
        await wait_or_stop(stop, self.settings.health_interval_s)
        return False

    async def _device_ok(self) -> bool:
        """Ask the driver; a health check that fails or hangs means not ready."""
        try:
            verdict = await asyncio.wait_for(self.driver.health(), HEALTH_TIMEOUT_S)
            ok, detail = verdict.ready, verdict.reason
        except TimeoutError:
            ok, detail = False, f"health check gave no answer within {HEALTH_TIMEOUT_S:g} s"
            log.warning("health check failed", error=detail)
        except Exception as exc:
            log.warning("health check failed", error=repr(exc))
            ok, detail = False, f"health check failed: {exc!r}"
        self.health_detail = "" if ok else detail or f"{self.driver.name}: device not ready"
        if ok == self.device_lost:
            log.warning("device ready again" if ok else "device not ready: taking no work")
            self.device_lost = not ok
            await self._beat(self.state)  # the scheduler sees the change now, not at the next beat
        return ok

    def _start_lane(self, entry: Entry, stop: asyncio.Event) -> None:
        self.lanes[entry[0]] = asyncio.create_task(self._lane(entry, stop))

    async def _lane(self, entry: Entry, stop: asyncio.Event) -> None:
        """Run one assignment. When it fails midway (the store is away, or the failure could
        not even be recorded), the entry stays in this worker's pending list: the reader
        takes it up again after a backoff that grows with each failure in a row, and a lane
        takes the group up where it was."""
        entry_id = entry[0]
        try:
            await self._run_group(entry, stop)
        except Exception as exc:
            failures, delay = self.retries.failed(entry_id)
            if isinstance(exc, STORE_OUTAGE):
                log.warning("store unavailable while running a group", error=str(exc))
            else:
                log.exception("lane error", failures=failures, retry_in_s=round(delay, 2))
        else:
            self.retries.succeeded(entry_id)
            return
        finally:
            self.lanes.pop(entry_id, None)
        if not await wait_or_stop(stop, delay):
            with contextlib.suppress(*STORE_ERRORS):
                await self.reader.nudge()  # the main loop looks again now, not at its next poll

    # --- one group -------------------------------------------------------------------

    async def _run_group(self, entry: Entry, stop: asyncio.Event) -> None:
        lease = await self.jobs.acquire(entry)
        if lease is None:
            return
        self.groups_run += 1
        structlog.contextvars.bind_contextvars(group_id=lease.group_id, worker_id=self.id)
        runner = JobRunner(self.driver, run_timeout_s=self.settings.run_timeout_s)
        self.runners.add(runner)
        keeper = asyncio.create_task(
            keep_lease(self.jobs, lease, runner, self.settings.heartbeat_interval_s)
        )
        try:
            await self._work_group(lease, runner, stop)
        except Exception as exc:
            if isinstance(exc, STORE_OUTAGE):
                raise
            log.exception("lane error: the group's jobs end in an infrastructure error")
            await give_up(self.jobs, lease, exc, self._backoff, self._device_ok)
        finally:
            keeper.cancel()
            self.runners.discard(runner)

    async def _work_group(self, lease: Lease, runner: JobRunner, stop: asyncio.Event) -> None:
        pending = runnable(lease.jobs)
        installed = False
        while lease.held():
            if pending and not installed:
                with install_span(lease, pending):
                    installed = await self._install(lease, pending)
            if installed:
                await self._run_jobs(lease, pending, runner, stop)
            if not lease.held():
                log.warning("lease lost; another worker has the group")
                return
            if stop.is_set() or lease.yield_requested or self.device_lost:
                await self.jobs.release(lease, reason="drain" if stop.is_set() else "yield")
                log.info("released the rest of the group", reason=self._release_reason(stop))
                return
            more = await self.jobs.close(lease)
            if more is None:
                return
            lease.jobs.extend(more)
            pending = runnable(more)

    def _must_stop(self, lease: Lease, stop: asyncio.Event) -> bool:
        return stop.is_set() or not lease.held() or lease.yield_requested or self.device_lost

    async def _run_jobs(
        self, lease: Lease, jobs: list[RunJob], runner: JobRunner, stop: asyncio.Event
    ) -> None:
        """Run ``jobs`` in order. Finishing a job starts the next in the same round trip."""
        started: Started | None = None
        for i, job in enumerate(jobs):
            if started is None:
                if self._must_stop(lease, stop):
                    return
                started = await self.jobs.start(lease, job.id)
            elif not lease.held():
                return  # started with the last result, but the group is another's now
            # a job already started with the last result runs even when draining began
            # since: it is the running test the drain waits for
            if not started.ok:
                started = None  # cancelled or finished meanwhile: skip it
                continue
            following = jobs[i + 1].id if i + 1 < len(jobs) else None
            with run_span(job, started.attempt, self.id):
                started = await self._run_job(lease, job, started.attempt, runner, following, stop)

    def _release_reason(self, stop: asyncio.Event) -> str:
        if stop.is_set():
            return "draining"
        if self.device_lost:
            return "device lost"
        return "yield: the scheduler wants the lane"

    async def _install(self, lease: Lease, pending: list[RunJob]) -> bool:
        started = time.monotonic()
        try:
            installed = await self._prepare(lease, pending)
        except (DriverError, TimeoutError, OSError) as exc:
            message = f"install of {lease.app_version_id} failed: {exc or 'timed out'}"
            log.warning("install failed", app_version_id=lease.app_version_id, error=message)
            if not await self._device_ok():
                return False  # the group goes back for another device
            retryable = not isinstance(exc, ConfigurationError)
            for job in pending:
                await fail(self.jobs, lease, job, message, self._backoff, retryable=retryable)
            return False
        seconds = time.monotonic() - started
        await self.jobs.record_install(
            lease, installed=installed, seconds=seconds, versions=self.driver.installed_versions()
        )
        log.info(
            "app ready",
            app_version_id=lease.app_version_id,
            installed=installed,
            seconds=round(seconds, 3),
        )
        tracing.set_attribute("qgjob.installed", installed)
        return True

    async def _prepare(self, lease: Lease, pending: list[RunJob]) -> bool:
        """Fetch the build when the driver needs its file, then install it."""
        build = LocalBuild(lease.org_id, lease.app_version_id)
        if self.driver.needs_build:
            app_url = next((j.app_url for j in pending if j.app_url), "")
            build = await asyncio.wait_for(
                self.builds.fetch(lease.org_id, lease.app_version_id, app_url),
                self.settings.build_download_timeout_s,
            )
        return await asyncio.wait_for(self.driver.prepare(build), self.settings.install_timeout_s)

    async def _settle_files(self, job_id: str, attempt: int, *, keep: bool) -> None:
        """Publish (``keep``) or discard what the run staged, off the event loop."""
        if self.driver.stages_files:
            await asyncio.to_thread(
                self.artifacts.publish if keep else self.artifacts.discard, job_id, attempt
            )

    async def _run_job(
        self,
        lease: Lease,
        job: RunJob,
        attempt: int,
        runner: JobRunner,
        following: str | None,
        stop: asyncio.Event,
    ) -> Started | None:
        """Run a started job and store its result, starting ``following`` in the same step
        when nothing says to stop; returns how starting it went (``None``: not asked)."""
        chunks = itertools.count(1)  # numbered, so a retried append is not applied twice

        async def to_log(text: str) -> None:
            await self.jobs.append_log(
                lease, job.id, text, next(chunks), max_bytes=self.settings.log_max_bytes
            )

        logbuf = LogBuffer(to_log)
        result = await runner.run(replace(job, attempts=attempt), logbuf)
        if result is None:
            log.warning("run abandoned: lease lost", job_id=job.id)
            await self._settle_files(job.id, attempt, keep=False)
            return None
        tracing.set_attribute("qgjob.outcome", result.outcome.value)
        failed = result.outcome is Outcome.ERROR
        # after an infrastructure error the device is checked before anything else starts
        go_on = following if not failed and not self._must_stop(lease, stop) else None
        done = await self.jobs.step(
            lease,
            job.id,
            result,
            backoff_s=self._backoff(attempt) if failed else 0.0,
            log=logbuf.take(),
            log_max_bytes=self.settings.log_max_bytes,
            next_job=go_on,
        )
        # the run's files show only when its result was taken: a fenced worker's never do
        if done.status is None:
            await self._settle_files(job.id, attempt, keep=False)
        else:
            await self._settle_files(job.id, attempt, keep=True)
        if failed:
            await self._device_ok()
        level = log.debug if result.outcome is Outcome.PASSED else log.info
        level(
            "job finished",
            job_id=job.id,
            outcome=result.outcome.value,
            status=done.status,
            attempt=attempt,
            flaky=result.flaky,
        )
        return done.next

    def _backoff(self, attempt: int) -> float:
        return retry_delay(attempt, base=self.settings.retry_base_s, cap=self.settings.retry_cap_s)

    # --- heartbeat ---------------------------------------------------------

    async def _heartbeats(self, done: asyncio.Event) -> None:
        while not await wait_or_stop(done, self.settings.beat_interval_s):
            await self._beat(self.state)

    async def _beat(self, state: WorkerState) -> None:
        try:
            await self.jobs.heartbeat(
                state.value,
                ttl_ms=int(self.settings.heartbeat_ttl_s * 1000),
                capacity=self.settings.capacity,
                versions=self.driver.installed_versions(),
                lease_ms=self.settings.lease_ms,
                detail=self.health_detail,
            )
        except STORE_ERRORS as exc:
            log.warning("heartbeat failed", error=str(exc))
