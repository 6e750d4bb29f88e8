"""Running one job on the driver: timeout, cancel, crash handling and flaky reruns."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import structlog

from qgjob_schemas import JobResult, Outcome, RunJob
from qgjob_worker.drivers import ConfigurationError, Driver, DriverError, LogSink

log = structlog.get_logger("qgjob.worker")
TAIL_CHARS = 4000


class StopReason(StrEnum):
    CANCEL = "cancel"
    """The user cancelled the job."""
    SHUTDOWN = "shutdown"
    """The worker is shutting down and the drain grace period ran out."""
    LEASE_LOST = "lease_lost"
    """Another worker took the group over."""


class LogBuffer:
    """Collects a run's output, flushes it to the store in chunks, keeps the tail."""

    def __init__(self, flush: LogSink, *, chunk: int = 8192) -> None:
        self._flush = flush
        self._chunk = chunk
        self._pending: list[str] = []
        self._size = 0
        self.tail = ""

    async def write(self, text: str) -> None:
        self._pending.append(text)
        self._size += len(text)
        self.tail = (self.tail + text)[-TAIL_CHARS:]
        if self._size >= self._chunk:
            await self.flush()

    async def flush(self) -> None:
        if self._pending:
            await self._flush(self.take())

    def take(self) -> str:
        """The output not flushed yet (it then travels with the job's result)."""
        text, self._pending, self._size = "".join(self._pending), [], 0
        return text


class JobRunner:
    """Runs jobs one at a time and lets another task stop the current run."""

    def __init__(self, driver: Driver, *, run_timeout_s: float) -> None:
        self.driver = driver
        self.run_timeout_s = run_timeout_s
        self.current_job: str | None = None
        self._task: asyncio.Task[JobResult] | None = None
        self._reason: StopReason | None = None

    def stop_current(self, reason: StopReason) -> bool:
        """Stop the running test (the driver kills what it started)."""
        if self._task is None or self._task.done():
            return False
        self._reason = reason
        self._task.cancel()
        return True

    async def run(self, job: RunJob, logbuf: LogBuffer) -> JobResult | None:
        """The job's result, with flaky reruns; ``None`` when the lease was lost meanwhile."""
        runs, total_s = 0, 0.0
        while True:
            runs += 1
            result = await self._attempt(job, logbuf)
            if result is None:
                return None
            total_s += result.duration_s
            if result.outcome is Outcome.FAILED and runs <= job.flaky_retries:
                await logbuf.write(f"test failed; rerun {runs} of {job.flaky_retries}\n")
                continue
            # a pass after a rerun, or after the runner's own retry of a test
            flaky = result.outcome is Outcome.PASSED and (runs > 1 or result.flaky)
            update = {"runs": runs, "flaky": flaky, "total_s": round(total_s, 3)}
            return result.model_copy(update=update | {"log_tail": logbuf.tail})

    async def _attempt(self, job: RunJob, logbuf: LogBuffer) -> JobResult | None:
        self._reason = None
        task = asyncio.create_task(self.driver.run(job, logbuf.write))
        self._task, self.current_job = task, job.id
        try:
            done, _ = await asyncio.wait({task}, timeout=self.run_timeout_s)
        finally:
            self._task, self.current_job = None, None
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return _error(f"timed out after {self.run_timeout_s:g}s")
        if task.cancelled():
            return self._stopped()
        exc = task.exception()
        if isinstance(exc, ConfigurationError):
            return _error(str(exc) or "configuration error", retryable=False)
        if isinstance(exc, DriverError):
            return _error(str(exc) or "infrastructure error")
        if exc is not None:
            log.error("driver crashed", job_id=job.id, error=repr(exc))
            return _error(f"driver crashed: {exc!r}")
        return task.result()

    def _stopped(self) -> JobResult | None:
        if self._reason is StopReason.CANCEL:
            return JobResult(outcome=Outcome.CANCELLED, message="cancelled by request")
        if self._reason is StopReason.SHUTDOWN:
            return _error("worker shut down before the test finished")
        return None


def _error(message: str, *, retryable: bool = True) -> JobResult:
    return JobResult(outcome=Outcome.ERROR, message=message, retryable=retryable)
