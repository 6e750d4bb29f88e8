"""How ``qgjob wait`` shows progress on stderr: a live bar with counts by status on a
terminal, plain lines otherwise (CI logs): one per job that finishes or hits an
infrastructure error, and a reminder of the counts when nothing happened for a while."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

from qgjob_cli.output import STATUS_COLOURS, STATUS_ORDER, counts_text, duration, fit_width, short
from qgjob_cli.tracking import Tracked
from qgjob_schemas import TERMINAL_STATUSES, JobEvent, JobStatus

QUIET_REMINDER_S = 30.0


class Display(Protocol):
    def start(self, tracked: Tracked) -> None: ...
    def changed(self, tracked: Tracked, event: JobEvent | None = None) -> None: ...
    def tick(self, tracked: Tracked) -> None: ...
    def stop(self) -> None: ...


def describe(tracked: Tracked) -> str:
    """``suite s01… "nightly": 3 jobs of app build-42 on emulator``."""
    name = f' "{tracked.name}"' if tracked.name else ""
    targets = ", ".join(tracked.targets)
    jobs = f"{tracked.total} job{'s' if tracked.total != 1 else ''}"
    if tracked.kind == "job" and tracked.jobs:
        jobs = tracked.jobs[tracked.id].test_path
    return f"{tracked.kind} {tracked.id}{name}: {jobs} of app {tracked.app_version_id} on {targets}"


def job_line(tracked: Tracked, job_id: str, status: JobStatus, message: str | None) -> str:
    """``failed  tests/a.spec.js  emulator: message``."""
    job = tracked.jobs.get(job_id)
    what = f"{job.test_path}  {job.target.value}" if job else job_id
    if job is not None and job.status is status and status is not JobStatus.ERROR:
        message = (job.result.message if job.result else "") or job.error or message
    why = f": {short(message, 160)}" if message else ""
    return f"{status.value:<7} {what}{why}"


def retry_line(tracked: Tracked, event: JobEvent) -> str:
    attempts = f"attempt {event.attempt}" if event.attempt else "an attempt"
    line = job_line(tracked, event.job_id, event.status, event.message or "")
    return f"{line} ({attempts} failed; it will be retried)"


class Announcer:
    """Which jobs' ends were told: each finished job gets one line, whether its end came as
    an event or was read (the job finished before the stream opened)."""

    def __init__(self) -> None:
        self.told: set[str] = set()

    def lines(self, tracked: Tracked, event: JobEvent | None) -> list[tuple[JobStatus, str]]:
        out: list[tuple[JobStatus, str]] = []
        if event is not None and event.status is JobStatus.ERROR:
            out.append(
                (event.status, f"[{len(self.told)}/{tracked.total}] {retry_line(tracked, event)}")
            )
        ids = [event.job_id] if event is not None else tracked.job_ids
        for job_id in ids:
            status = tracked.status.get(job_id)
            if status is None or job_id in self.told or status not in TERMINAL_STATUSES:
                continue
            self.told.add(job_id)
            message = event.message if event is not None else None
            line = job_line(tracked, job_id, status, message)
            out.append((status, f"[{len(self.told)}/{tracked.total}] {line}"))
        return out


class PlainDisplay:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.announcer = Announcer()
        self._last_output = time.monotonic()
        self._started = time.monotonic()

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
        self._last_output = time.monotonic()

    def start(self, tracked: Tracked) -> None:
        self._print(f"waiting for {describe(tracked)}")
        self.changed(tracked)

    def changed(self, tracked: Tracked, event: JobEvent | None = None) -> None:
        for _, line in self.announcer.lines(tracked, event):
            self._print(line)

    def tick(self, tracked: Tracked) -> None:
        now = time.monotonic()
        if now - self._last_output >= QUIET_REMINDER_S:
            elapsed = duration(now - self._started)
            self._print(f"still waiting after {elapsed}: {counts_text(tracked.counts())}")

    def stop(self) -> None:
        return


def _counts_markup(tracked: Tracked) -> str:
    counts = tracked.counts()
    parts = [
        f"[{STATUS_COLOURS[s]}]{counts[s.value]} {s.value}[/]"
        for s in STATUS_ORDER
        if counts.get(s.value)
    ]
    return " · ".join(parts)


WIDE = 100
"""Columns from which the bar's label names the suite too."""


def bar_title(tracked: Tracked, width: int) -> str:
    """The bar's label: the kind, and on a wide terminal the suite's name, short (the id
    and the name are on the line above)."""
    if not tracked.name or width < WIDE:
        return tracked.kind
    name = tracked.name if len(tracked.name) <= 16 else tracked.name[:15] + "…"
    return f"{tracked.kind} {name}"


class RichDisplay:
    """A progress bar with the counts by status; finished failures printed above it.

    What must stay readable at 80 columns comes first (done of total, elapsed time), the
    bar takes what is left, and the counts come last, cut with an ellipsis when they do
    not fit; lines above the bar wrap at spaces with an indent."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        bar = max(6, min(40, self.console.width - 72))
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}", table_column=Column(no_wrap=True)),
            MofNCompleteColumn(table_column=Column(no_wrap=True)),
            TimeElapsedColumn(table_column=Column(no_wrap=True)),
            BarColumn(bar_width=bar),
            TextColumn(
                "{task.fields[counts]}", table_column=Column(no_wrap=True, overflow="ellipsis")
            ),
            console=self.console,
        )
        self.task = self.progress.add_task("", total=1, counts="", start=False)
        self.announcer = Announcer()

    def start(self, tracked: Tracked) -> None:
        self._line(f"waiting for {describe(tracked)}", "")
        self.progress.update(
            self.task,
            description=bar_title(tracked, self.console.width),
            total=max(tracked.total, 1),
        )
        self.progress.start_task(self.task)
        self.progress.start()
        self.changed(tracked)

    def _line(self, text: str, colour: str) -> None:
        """One line above the bar, wrapped at spaces with the continuation indented."""
        wrapped = fit_width(text, self.console.width)
        self.progress.console.print(
            escape(wrapped), style=colour or None, highlight=False, soft_wrap=True
        )

    def changed(self, tracked: Tracked, event: JobEvent | None = None) -> None:
        self.progress.update(self.task, completed=tracked.done(), counts=_counts_markup(tracked))
        for status, line in self.announcer.lines(tracked, event):
            if status is not JobStatus.PASSED:
                self._line(line, STATUS_COLOURS.get(status, "white"))

    def tick(self, tracked: Tracked) -> None:
        self.progress.refresh()

    def stop(self) -> None:
        self.progress.stop()


def display_for(stream: TextIO | None = None) -> Display:
    """A live bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if getattr(stream, "isatty", lambda: False)():
        return RichDisplay()
    return PlainDisplay(stream)
