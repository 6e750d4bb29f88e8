"""What a lane does around the group it runs: keeps its lease, ends its jobs in an
infrastructure error when running it failed, and says when a lane may take an assignment
up again after it failed (a backoff that doubles with each failure of the entry in a row,
jittered, so a failure that repeats is never a hot loop)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from qgjob_schemas import JobResult, Outcome, RunJob
from qgjob_store import Lease, WorkerStore
from qgjob_worker.backoff import retry_delay
from qgjob_worker.execution import JobRunner, StopReason

log = structlog.get_logger("qgjob.worker")
LANE_RETRY_BASE_S, LANE_RETRY_CAP_S = 0.5, 30.0
RUNNABLE = ("scheduled", "running")
STORE_OUTAGE = (RedisConnectionError, RedisTimeoutError)
"""A lane that fails with these leaves its group as it is, to take it up again once the
store answers; any other exception ends the group's jobs in an infrastructure error."""
ERROR_MESSAGE_MAX = 500


class LaneRetries:
    def __init__(self, *, base_s: float = LANE_RETRY_BASE_S, cap_s: float = LANE_RETRY_CAP_S):
        self.base_s, self.cap_s = base_s, cap_s
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, float] = {}

    def failed(self, entry_id: str) -> tuple[int, float]:
        """Count a failure of the entry; returns how many in a row, and the delay (s)."""
        failures = self._failures.get(entry_id, 0) + 1
        self._failures[entry_id] = failures
        delay = retry_delay(failures, base=self.base_s, cap=self.cap_s)
        self._not_before[entry_id] = time.monotonic() + delay
        return failures, delay

    def succeeded(self, entry_id: str) -> None:
        self._failures.pop(entry_id, None)
        self._not_before.pop(entry_id, None)

    def due(self, entry_id: str) -> bool:
        """Whether the entry may be taken up now."""
        return self._not_before.get(entry_id, 0.0) <= time.monotonic()


def runnable(jobs: list[RunJob]) -> list[RunJob]:
    return [j for j in jobs if j.status in RUNNABLE]


async def keep_lease(jobs: WorkerStore, lease: Lease, runner: JobRunner, interval_s: float) -> None:
    """Renew the lease while the group runs; stop the test if the lease is lost or the
    running job's cancel was requested."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            held = await jobs.renew(lease)
        except Exception as exc:  # renewing stops only when the lane ends
            log.warning("lease renewal failed", error=repr(exc))
            continue
        if not held:
            runner.stop_current(StopReason.LEASE_LOST)
            return
        current = runner.current_job
        if current and current in lease.cancel_requested:
            log.info("cancel requested: stopping the test", job_id=current)
            runner.stop_current(StopReason.CANCEL)


async def fail(
    jobs: WorkerStore,
    lease: Lease,
    job: RunJob,
    message: str,
    backoff: Callable[[int], float],
    *,
    retryable: bool = True,
) -> None:
    """End a job in an infrastructure error (retried after ``backoff(attempt)`` seconds)."""
    started = await jobs.start(lease, job.id)
    if started.ok:
        result = JobResult(outcome=Outcome.ERROR, message=message, retryable=retryable)
        await jobs.finish(lease, job.id, result, backoff_s=backoff(started.attempt))


async def give_up(
    jobs: WorkerStore,
    lease: Lease,
    exc: Exception,
    backoff: Callable[[int], float],
    check_device: Callable[[], Awaitable[bool]],
) -> None:
    """After an exception nothing expected: each job of the group not finished yet ends
    in an infrastructure error (retried after a backoff, dead once out of attempts),
    and the group is given back (it ends when nothing is left), then the device is
    checked. Never a hot loop: every round charges the jobs an attempt."""
    message = f"worker error: {type(exc).__name__}: {exc}"[:ERROR_MESSAGE_MAX]
    reason = "error"
    try:
        for job in runnable(lease.jobs):
            if not lease.held():
                return
            await fail(jobs, lease, job, message, backoff)
    except Exception as again:
        if isinstance(again, STORE_OUTAGE):
            raise
        log.exception("could not record the lane error: giving the group back")
        reason = "unrecorded"  # nothing was charged: the group counts a strike instead
    if lease.held():
        await jobs.release(lease, reason=reason)
    await check_device()
