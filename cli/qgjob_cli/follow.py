"""Following a job or suite to its end: its live events (server-sent events, resumed with
``Last-Event-ID`` after a reconnect), or polling when the events cannot be had.

* The stream is opened before the jobs are read, so no event falls between the two.
* A stream that ends, or breaks, is reconnected from the last event seen; the job or suite
  is read first, in case it finished meanwhile.
* While the API cannot be reached (refused, no answer, 502/503/504), it is tried again with
  a capped backoff for up to ``QGJOB_RECONNECT_S``; then the wait fails (exit 15).
* An API whose events answer something other than an event stream (a buffering proxy, an
  older server) is polled instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from pydantic import ValidationError

from qgjob_cli import exit_codes
from qgjob_cli.client import ApiClient, ApiError, CliError, Unreachable, say
from qgjob_cli.progress import Display
from qgjob_cli.sse import FrameReader, StreamEnded
from qgjob_cli.tracking import Tracked, read_jobs
from qgjob_schemas import Job, JobEvent, JobStatus

T = TypeVar("T")
TICK_S = 0.5
POLL_S = 2.0
BACKOFF_S = (0.5, 1.0, 2.0)
TRANSIENT_STATUS = {502, 503, 504}
NO_EVENTS_STATUS = {404, 405, 406, 501}
DETAILED = {JobStatus.FAILED, JobStatus.DEAD, JobStatus.CANCELLED}
MAX_DETAILED = 100


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds

    def remaining(self, cap: float = float("inf")) -> float:
        if self.at is None:
            return cap
        return max(0.0, min(cap, self.at - time.monotonic()))

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at


@dataclass
class Outage:
    """The API lost: retried with a capped backoff for up to ``reconnect_s``, then an error.
    Said once when it starts and once when it ends (back, or given up), not per retry."""

    reconnect_s: float
    deadline: Deadline
    since: float | None = None
    failures: int = 0

    def over(self) -> None:
        if self.since is not None:
            say(f"the API is back after {time.monotonic() - self.since:.1f} s")
        self.since, self.failures = None, 0

    def lost(self, why: str) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            say(f"lost the API ({why}); trying again for up to {self.reconnect_s:g} s")
        if now - self.since > self.reconnect_s:
            raise CliError(
                f"gave up after {self.reconnect_s:g} s without the API "
                f"({self.failures + 1} tries): {why}",
                exit_codes.API_ERROR,
            )
        delay = BACKOFF_S[min(self.failures, len(BACKOFF_S) - 1)]
        self.failures += 1
        time.sleep(self.deadline.remaining(delay))


def transient(exc: Exception) -> str | None:
    """Why ``exc`` is worth retrying (the API unreachable or briefly unavailable), or None."""
    if isinstance(exc, Unreachable):
        return exc.message
    if isinstance(exc, httpx.HTTPError):
        return _describe(exc)
    if isinstance(exc, ApiError) and exc.status in TRANSIENT_STATUS:
        return exc.message
    return None


def reconnecting(call: Callable[[], T], outage: Outage) -> T:
    """``call()``, tried again while the API is unreachable (see :class:`Outage`)."""
    while True:
        try:
            result = call()
        except (CliError, httpx.HTTPError) as exc:
            why = transient(exc)
            if why is None or outage.deadline.passed():
                raise
            outage.lost(why)
            continue
        outage.over()
        return result


@dataclass
class Follower:
    client: ApiClient
    tracked: Tracked
    display: Display
    deadline: Deadline
    reconnect_s: float = 60.0
    poll: bool = False
    cursor: str | None = None
    _reconnected: bool = False
    _detailed: int = 0

    def run(self) -> bool:
        """Follow until every job is finished (``True``) or the deadline (``False``)."""
        outage = Outage(self.reconnect_s, self.deadline)
        while not self.deadline.passed():
            try:
                if self._step():
                    return True
                outage.over()
            except (CliError, httpx.HTTPError) as exc:
                why = transient(exc)
                if why is None:
                    raise
                self._reconnected = True
                outage.lost(why)
        return False

    def _step(self) -> bool:
        """Read the state, then follow; whether everything is finished."""
        if self._reconnected or self.cursor is not None:
            self.tracked.update_from(self.client.json("GET", self.tracked.path))
            self.display.changed(self.tracked)
        if self.tracked.finished():
            return self._confirmed()
        if self.poll:
            return self._poll()
        self._stream()
        return False

    def _confirmed(self) -> bool:
        """Everything looks finished: read every job again to be sure (and for results)."""
        read_jobs(self.client, self.tracked)
        self.display.changed(self.tracked)
        return self.tracked.finished()

    def _poll(self) -> bool:
        while not self.deadline.passed():
            self.tracked.update_from(self.client.json("GET", self.tracked.path))
            self.display.changed(self.tracked)
            if self.tracked.finished():
                return self._confirmed()
            self._pause(POLL_S)
        return False

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + self.deadline.remaining(seconds)
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(TICK_S, left))
            self.display.tick(self.tracked)

    def _stream(self) -> None:
        """One connection to the event stream, until it ends, breaks or the deadline."""
        headers = {"Last-Event-ID": self.cursor} if self.cursor else {}
        try:
            with self.client.stream("GET", self.tracked.events_path, headers=headers) as resp:
                if "text/event-stream" not in resp.headers.get("content-type", ""):
                    self._no_events(f"{resp.headers.get('content-type')} instead of events")
                    return
                if self.cursor is None:
                    read_jobs(self.client, self.tracked)
                    self.display.changed(self.tracked)
                if not self._frames(FrameReader(resp)):
                    raise Unreachable("the event stream closed before sending anything")
        except ApiError as exc:
            if exc.status not in NO_EVENTS_STATUS:
                raise
            self._no_events(exc.message)

    def _details(self, event: JobEvent) -> None:
        """Read the record of a job that just failed, died or was cancelled, so that its line
        says why (events carry no result); for the first few only."""
        if event.status in DETAILED and self._detailed < MAX_DETAILED:
            self._detailed += 1
            self.tracked.remember(
                [Job.model_validate(self.client.json("GET", f"/v1/jobs/{event.job_id}"))]
            )

    def _no_events(self, why: str) -> None:
        say(f"live events unavailable ({why}); polling every {POLL_S:g} s")
        self.poll = True

    def _frames(self, reader: FrameReader) -> bool:
        """Take the stream's events in until it ends, everything is finished or the
        deadline; whether any frame came."""
        received = False
        while not self.deadline.passed():
            try:
                frame = reader.get(self.deadline.remaining(TICK_S))
            except StreamEnded:
                return received
            if frame is None:
                self.display.tick(self.tracked)
                continue
            received = True
            if frame.event != "message":
                continue  # the snapshot: the jobs were read when the stream opened
            try:
                event = JobEvent.model_validate(frame.data)
            except ValidationError:
                continue
            self.cursor = frame.id or event.id
            if self.tracked.apply(event):
                self._details(event)
                self.display.changed(self.tracked, event)
            if self.tracked.finished():
                return True
        return True


def _describe(exc: httpx.HTTPError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
