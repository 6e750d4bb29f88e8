"""Enumerations shared by every service and the CLI."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """Lifecycle of a job. ``passed``, ``failed``, ``dead`` and ``cancelled`` are terminal."""

    QUEUED = "queued"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    DEAD = "dead"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {JobStatus.PASSED, JobStatus.FAILED, JobStatus.DEAD, JobStatus.CANCELLED}
)


class Target(StrEnum):
    """Where a test runs."""

    EMULATOR = "emulator"
    DEVICE = "device"
    BROWSERSTACK = "browserstack"


class Priority(StrEnum):
    """Dispatch priority, lowest first."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class GroupState(StrEnum):
    """A group is ``open`` while it waits, ``dispatched`` once published to its target's
    stream, ``running`` while a worker owns it and ``done`` when every job in it ended."""

    OPEN = "open"
    DISPATCHED = "dispatched"
    RUNNING = "running"
    DONE = "done"


class WorkerState(StrEnum):
    IDLE = "idle"
    BUSY = "busy"
    DRAINING = "draining"
    LOST = "lost"
    UNHEALTHY = "unhealthy"
    """The device is not ready (offline, booting): the worker takes no work until it is."""


class Outcome(StrEnum):
    """What a driver reports for one run of a test."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    CANCELLED = "cancelled"
