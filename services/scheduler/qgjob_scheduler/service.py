"""The scheduler loops: read submissions and group them; plan and carry out dispatches
(one replica at a time); take groups back from workers that are gone; promote retries."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import Any

import structlog
from redis.exceptions import ResponseError

from qgjob_core import tracing
from qgjob_core.lifecycle import wait_or_stop
from qgjob_core.retrying import STORE_ERRORS, Backoff, until_ok
from qgjob_scheduler.policy import lingering_until, plan
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Plan, Target
from qgjob_store import SCHEDULER_GROUP, Entry, SchedulerStore, Store, StreamReader
from qgjob_store.maintenance import housekeeping

log = structlog.get_logger("qgjob.scheduler")
TARGETS = [t.value for t in Target]
LEAD_TICKS = 20
"""The dispatch lock outlives this many ticks of its holder."""


class Scheduler:
    def __init__(self, settings: SchedulerSettings, store: Store, reader_store: Store) -> None:
        self.settings = settings
        self.raw = store
        self.store = SchedulerStore(store)
        self.consumer = settings.scheduler_id or f"{socket.gethostname()}-{os.getpid()}"
        self.reader = StreamReader(
            reader_store.redis,
            store.keys.jobs_stream(),
            SCHEDULER_GROUP,
            self.consumer,
            count=settings.read_count,
            block_ms=settings.block_ms,
            max_deliveries=settings.max_deliveries,
            on_poison=self.store.discard_poison,
        )
        self.rules = settings.rules()
        self._wake_reader = reader_store
        self._dispatch_lock = asyncio.Lock()
        self._lead_ms = max(1000, settings.tick_ms * LEAD_TICKS)
        self._idle_pass_s = settings.idle_pass_ms / 1000
        self._last_pass = 0.0
        """When this replica last planned (monotonic clock)."""
        self.view = self.store.view(TARGETS, settings.default_install_s)
        self._planned_empty = False
        """The last plan decided nothing: with nothing changed since, the next would not
        either (until ``idle_pass_ms`` passes: time alone moves aging and estimates)."""
        self._linger_ends = float("inf")
        """When the first waiting group that the last plan found lingering may go (store
        time): without dispatch-on-idle, that is a change no script writes."""
        self.grouped = 0
        self.leading = False
        """Whether the latest dispatch pass found this replica holding the dispatch lock."""

    async def run(self, stop: asyncio.Event) -> None:
        log.info("scheduler starting", consumer=self.consumer)
        await until_ok(stop, self.start)
        loops = [
            self._consume(stop),
            self._tick(stop),
            self._wakeups(stop),
            self._reclaim(stop),
            self._recover(stop),
            self._janitor(stop),
        ]
        await asyncio.gather(*loops)
        log.info("scheduler stopped", grouped=self.grouped)

    async def start(self) -> None:
        """The jobs stream's consumer group, and each target's assignment stream with its
        workers' group (read by KEDA before any group of the target exists)."""
        await self.reader.start()
        await self.store.open_assignment_streams(TARGETS)

    async def dispatch_pass(self) -> list[str]:
        """Plan from the view, brought up to date, and carry the plan out, if this replica
        leads; returns the ids of the groups given to workers."""
        async with self._dispatch_lock:
            started = time.perf_counter()
            self.leading = await self.store.lead(self.consumer, self._lead_ms)
            if not self.leading:
                return []
            changed = await self.view.refresh()
            refreshed = time.perf_counter()
            recent = time.monotonic() - self._last_pass < self._idle_pass_s
            lingered = self.view.now >= self._linger_ends
            timed = not recent and self.view.any_groups  # time moves plans only of groups
            planned = changed or not self._planned_empty or timed or lingered
            given: list[str] = []
            planned_at = refreshed
            if planned:
                self._last_pass = time.monotonic()
                given, planned_at = await self._plan_and_carry_out()
            # one line per pass (debug level): what a pass costs at scale, and which part
            # (reading the changes, planning, carrying the plan out); bench/scale reads it
            done = time.perf_counter()
            log.debug(
                "dispatch pass",
                ms=_ms(done - started),
                refresh_ms=_ms(refreshed - started),
                plan_ms=_ms(planned_at - refreshed),
                carry_ms=_ms(done - planned_at),
                given=len(given),
                changes=self.view.changes,
                planned=planned,
            )
            return given

    async def _plan_and_carry_out(self) -> tuple[list[str], float]:
        """The ids of the groups given to workers, and when the plan was made
        (``time.perf_counter``: the pass's line splits planning from carrying out)."""
        snapshot = self.view.snapshot()
        decided = plan(snapshot, self.rules)
        planned_at = time.perf_counter()
        self._planned_empty = not decided
        self._linger_ends = lingering_until(snapshot, self.rules)
        if not decided:
            return [], planned_at
        started_ns = time.time_ns()
        given = await self.store.carry_out(decided)
        if given and tracing.enabled():
            await self._trace_dispatch(decided, given, started_ns)
        if decided.preempt:
            log.info("preempting", groups=list(decided.preempt))
        return given, planned_at

    async def _trace_dispatch(self, decided: Plan, given: list[str], started_ns: int) -> None:
        """A dispatch span in the trace of each job of the groups given to workers."""
        workers = {a.group_id: a.worker_id for a in decided.assignments}
        for gid, jid, tp in await self.store.group_traceparents(given):
            attrs = {"qgjob.group_id": gid, "qgjob.worker_id": workers.get(gid, "")}
            tracing.record_spans("qgjob.scheduler.dispatch", [(jid, tp)], started_ns, attrs)

    async def _consume(self, stop: asyncio.Event) -> None:
        backoff = Backoff()
        while not stop.is_set():
            try:
                entries = await self.reader.read()
                if entries:
                    await self._join(entries)
                    self.grouped += len(entries)
                    await self.dispatch_pass()
                backoff.reset()
            except STORE_ERRORS as exc:
                self.reader.recover()
                await backoff.wait(stop, exc)
            except Exception as exc:  # a bad batch must not stop the loop
                log.exception("grouping failed")
                self.reader.recover()
                await backoff.wait(stop, exc)

    async def _tick(self, stop: asyncio.Event) -> None:
        backoff = Backoff()
        interval = self.settings.tick_ms / 1000
        while not stop.is_set():
            try:
                await self.store.promote_due(self.settings.promote_batch)
                await self._tick_pass()
                backoff.reset()
            except Exception as exc:
                if not isinstance(exc, STORE_ERRORS):
                    log.exception("dispatch pass failed")
                self.leading = False  # unknown until the store answers again
                await backoff.wait(stop, exc)
                continue
            await wait_or_stop(stop, interval)

    async def _tick_pass(self) -> None:
        """Plan, unless no group waits and a pass ran within ``idle_pass_ms``: with nothing
        waiting all a pass could do is split a running group onto a lane that came free
        without a wake-up (a worker that started or recovered). The dispatch lock is renewed
        either way."""
        recent = time.monotonic() - self._last_pass < self._idle_pass_s
        if recent and not await self.store.any_waiting():
            async with self._dispatch_lock:
                self.leading = await self.store.lead(self.consumer, self._lead_ms)
            return
        await self.dispatch_pass()

    async def _wakeups(self, stop: asyncio.Event) -> None:
        """Plan as soon as a worker's lane comes free (a group ended or was given back),
        instead of at the next tick: a free worker does not wait for work."""
        stream, last = self.raw.keys.wake(), "$"
        redis = self._wake_reader.redis
        backoff = Backoff()
        while not stop.is_set():
            try:
                reply: list[Any] = await redis.xread(  # type: ignore[assignment]
                    {stream: last}, count=100, block=self.settings.block_ms
                )
                if reply:
                    last = str(reply[0][1][-1][0])
                    await self.dispatch_pass()
                backoff.reset()
            except Exception as exc:
                if not isinstance(exc, STORE_ERRORS):
                    log.exception("wake-up read failed")
                last = "$"
                await backoff.wait(stop, exc)

    async def _reclaim(self, stop: asyncio.Event) -> None:
        """Take over submissions that a crashed scheduler read but never grouped."""
        idle_ms = self.settings.claim_idle_ms
        while not await wait_or_stop(stop, idle_ms / 2000):
            try:
                entries = await self.reader.claim_stale(idle_ms)
                if entries:
                    log.info("reclaimed submissions", count=len(entries))
                    await self._join(entries)
            except Exception as exc:
                log.warning("reclaim failed", error=str(exc) or type(exc).__name__)

    async def _join(self, entries: list[Entry]) -> None:
        try:
            await self._join_batch(entries)
        except ResponseError:
            if len(entries) == 1:
                raise
            # one entry the script cannot take must not hold back the rest: one at a time,
            # the others are grouped and the bad one stays pending until it is dead-lettered
            log.warning("grouping a batch failed; grouping its entries one by one")
            failed = 0
            for entry in entries:
                try:
                    await self._join_batch([entry])
                except ResponseError as exc:
                    failed += 1
                    log.warning("grouping an entry failed", entry_id=entry[0], error=str(exc))
            if failed:
                self.reader.recover()

    async def _join_batch(self, entries: list[Entry]) -> None:
        jobs: list[tuple[str, str]] = []
        if tracing.enabled():
            ids = [fields.get("job", "") for _, fields in entries]
            jobs = list(zip(ids, await self.store.traceparents(ids), strict=True))
        with tracing.batch_spans("qgjob.scheduler.group", jobs, {"qgjob.consumer": self.consumer}):
            await self.store.join(
                entries, self.settings.group_max_size, self.settings.default_test_s
            )

    async def _recover(self, stop: asyncio.Event) -> None:
        """Take groups back from workers that are gone or stopped renewing their lease, so
        the next dispatch pass gives them to live workers (safe on every replica)."""
        while not await wait_or_stop(stop, self.settings.recover_interval_ms / 1000):
            try:
                taken = await self.store.recover(self.settings.default_lease_ms)
                if taken:
                    log.warning("took groups back from lost workers", groups=taken)
                    await self.dispatch_pass()
            except Exception as exc:
                if not isinstance(exc, STORE_ERRORS):
                    log.exception("recovery failed")

    async def _janitor(self, stop: asyncio.Event) -> None:
        """Keep streams, indexes and the registry bounded (safe to run on every replica)."""
        while not await wait_or_stop(stop, self.settings.housekeeping_interval_s):
            try:
                removed = await housekeeping(
                    self.raw,
                    self.settings.job_retention_s,
                    forget_workers_s=self.settings.forget_workers_s,
                    forget_consumers_s=self.settings.forget_consumers_s,
                )
                if any(removed.values()):
                    log.info("housekeeping", **removed)
            except Exception as exc:
                log.warning("housekeeping failed", error=str(exc) or type(exc).__name__)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
