"""A virtual worker: the store calls of a real one (qgjob_worker.service and lanes), in the
same order and at the same intervals, with a simulated test time and no driver.

What it does to Redis, as ``Worker.run`` does: create its target's consumer group, beat
(``heartbeat``) at start and every ``beat_interval_s``; read its pending list
(``AssignmentReader.read``: BLPOP on its wake list for ``block_ms``; XPENDING at start,
after each wake and every ``recheck_ms``; XREADGROUP to take an entry); per group:
``acquire``, ``installed``, ``start`` of the first job, one ``finish`` per job that starts
the next (``step``), ``renew`` every ``heartbeat_interval_s`` while the group runs,
``close`` (and ``release`` when asked to yield). Capacity 1 (one lane), the workers' default."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from qgjob_schemas import JobResult, Outcome, RunJob, WorkerState
from qgjob_store import Entry, Lease, Started, Store, WorkerStore
from qgjob_worker.drivers.simulated import path_duration
from qgjob_worker.lanes import runnable
from qgjob_worker.settings import WorkerSettings

DEFAULTS = WorkerSettings()
"""A real worker's defaults: heartbeat and renew interval, heartbeat TTL, lease, block_ms,
max deliveries, app cache size."""


@dataclass(frozen=True)
class Timing:
    test_s: float
    install_s: float


@dataclass
class LoadStats:
    """What the load process reports: when each group was taken up (acquired), how late
    each heartbeat was against its interval (the load process keeping up), errors."""

    acquired: list[float] = field(default_factory=list)
    beat_lag: list[tuple[float, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, exc: BaseException) -> None:
        name = type(exc).__name__
        self.errors[name] = self.errors.get(name, 0) + 1
        if self.errors[name] <= 3:  # the first few of each kind, for the load process's log
            print(f"virtual worker error: {exc!r}: {exc}", file=sys.stderr, flush=True)


class VirtualWorker:
    def __init__(
        self,
        store: Store,
        reader_store: Store,
        worker_id: str,
        target: str,
        timing: Timing,
        stats: LoadStats,
    ) -> None:
        self.id = worker_id
        self.timing = timing
        self.stats = stats
        self.jobs = WorkerStore(
            store, worker_id, target, duration_alpha=DEFAULTS.duration_alpha, hot_path=True
        )
        self.reader = self.jobs.reader(
            reader_store, block_ms=DEFAULTS.block_ms, max_deliveries=DEFAULTS.max_deliveries
        )
        self.installed: OrderedDict[str, None] = OrderedDict()
        self.lane: asyncio.Task[None] | None = None
        self.lane_entry = ""

    @property
    def state(self) -> WorkerState:
        return WorkerState.BUSY if self.lane is not None else WorkerState.IDLE

    async def run(self, start_after_s: float = 0.0) -> None:
        """Work until cancelled; start after ``start_after_s`` (a farm's workers start at
        different moments, so their beats are spread over the interval)."""
        await asyncio.sleep(start_after_s)
        await self.reader.start()
        await self._beat()
        beats = asyncio.create_task(self._heartbeats())
        try:
            while True:
                try:
                    if self.lane is not None:
                        await asyncio.wait({self.lane})
                        continue
                    entries = await self.reader.read(skip=lambda eid: eid == self.lane_entry)
                    if entries:
                        self.lane_entry = entries[0][0]
                        self.lane = asyncio.create_task(self._lane(entries[0]))
                except Exception as exc:  # counted and reported; the loop goes on
                    self.stats.error(exc)
                    await asyncio.sleep(0.5)
        finally:
            beats.cancel()
            if self.lane is not None:
                self.lane.cancel()
            await self.jobs.aclose()

    async def _heartbeats(self) -> None:
        interval = DEFAULTS.beat_interval_s
        due = time.monotonic() + interval
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            self.stats.beat_lag.append((time.time(), time.monotonic() - due))
            due += interval
            try:
                await self._beat()
            except Exception as exc:
                self.stats.error(exc)

    async def _beat(self) -> None:
        await self.jobs.heartbeat(
            self.state.value,
            ttl_ms=int(DEFAULTS.heartbeat_ttl_s * 1000),
            capacity=1,
            versions=list(self.installed),
            lease_ms=DEFAULTS.lease_ms,
        )

    async def _lane(self, entry: Entry) -> None:
        try:
            lease = await self.jobs.acquire(entry)
            if lease is not None:
                self.stats.acquired.append(time.time())
                keeper = asyncio.create_task(self._keep_lease(lease))
                try:
                    await self._work_group(lease)
                finally:
                    keeper.cancel()
        except Exception as exc:
            self.stats.error(exc)
        finally:
            self.lane, self.lane_entry = None, ""

    async def _keep_lease(self, lease: Lease) -> None:
        while True:
            await asyncio.sleep(DEFAULTS.heartbeat_interval_s)
            try:
                if not await self.jobs.renew(lease):
                    return
            except Exception as exc:
                self.stats.error(exc)

    async def _work_group(self, lease: Lease) -> None:
        pending = runnable(lease.jobs)
        installed = False
        while lease.held():
            if pending and not installed:
                installed = await self._install(lease)
            if installed:
                await self._run_jobs(lease, pending)
            if not lease.held():
                return
            if lease.yield_requested:
                await self.jobs.release(lease, reason="yield")
                return
            more = await self.jobs.close(lease)
            if more is None:
                return
            lease.jobs.extend(more)
            pending = runnable(more)

    async def _install(self, lease: Lease) -> bool:
        app = lease.app_version_id
        fresh = app not in self.installed
        if fresh and self.timing.install_s:
            await asyncio.sleep(self.timing.install_s)
        self.installed[app] = None
        self.installed.move_to_end(app)
        while len(self.installed) > DEFAULTS.app_cache_size:
            self.installed.popitem(last=False)
        await self.jobs.record_install(
            lease,
            installed=fresh,
            seconds=self.timing.install_s if fresh else 0.0,
            versions=list(self.installed),
        )
        return True

    async def _run_jobs(self, lease: Lease, jobs: list[RunJob]) -> None:
        started: Started | None = None
        for i, job in enumerate(jobs):
            if started is None:
                if not lease.held() or lease.yield_requested:
                    return
                started = await self.jobs.start(lease, job.id)
            elif not lease.held():
                return
            if not started.ok:
                started = None
                continue
            following = jobs[i + 1].id if i + 1 < len(jobs) else None
            started = await self._run_job(lease, job, started.attempt, following)

    async def _run_job(
        self, lease: Lease, job: RunJob, attempt: int, following: str | None
    ) -> Started | None:
        named = path_duration(job.test_path)
        seconds = self.timing.test_s if named is None else named
        if seconds:
            await asyncio.sleep(seconds)
        # what the simulated driver writes for a passing test
        line = f"{job.test_path}: 1 passed\n"
        output = f"$ simulated run {job.test_path} (attempt {attempt}, run 1)\n{line}"
        result = JobResult(
            outcome=Outcome.PASSED, duration_s=seconds, total_s=seconds, log_tail=output
        )
        done = await self.jobs.step(
            lease,
            job.id,
            result,
            log=output,
            log_max_bytes=DEFAULTS.log_max_bytes,
            next_job=None if lease.yield_requested else following,
        )
        return done.next
