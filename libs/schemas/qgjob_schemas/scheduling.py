"""What the scheduling policy sees and what it decides: plain data, no store in it.

The scheduler reads a :class:`Snapshot` from Redis in one script call; the benchmark builds
the same snapshot from a simulation. The policy turns it into a :class:`Plan`, which the
scheduler (or the simulation) carries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from qgjob_schemas.enums import GroupState, Priority


@dataclass(frozen=True)
class WorkerView:
    """A live worker that takes work (not draining, heartbeat fresh)."""

    id: str
    target: str
    capacity: int = 1
    """Groups it runs at once (a device: 1; an emulator host: N)."""
    versions: tuple[str, ...] = ()
    """App versions installed on it, most recently used first."""
    groups: tuple[str, ...] = ()
    """Groups it holds now (dispatched to it or running on it)."""

    @property
    def free(self) -> int:
        return max(0, self.capacity - len(self.groups))

    @cached_property
    def installed(self) -> frozenset[str]:
        """``versions`` as a set (made once: a view outlives many planning passes)."""
        return frozenset(self.versions)


@dataclass(frozen=True)
class GroupView:
    """A group with work left: waiting (``open``) or held by a worker."""

    id: str
    target: str
    org_id: str
    app_version_id: str
    priority: Priority = Priority.NORMAL
    state: GroupState = GroupState.OPEN
    size: int = 0
    """Jobs that joined it (it takes no more than the group size limit)."""
    left: int = 0
    """Jobs not started yet."""
    work_s: float = 0.0
    """Estimated seconds of the jobs not started yet (learned durations)."""
    waiting_since: float = 0.0
    """When it started waiting, or waiting again after a worker gave it back (how long it
    has waited drives aging and FIFO order)."""
    dispatched_at: float | None = None
    worker_id: str | None = None
    yielding: bool = False
    """Asked to give its worker back at the next test boundary."""
    current_ends_at: float | None = None
    """When the test running now is expected to end (held groups)."""


@dataclass(frozen=True)
class Snapshot:
    now: float
    workers: tuple[WorkerView, ...] = ()
    groups: tuple[GroupView, ...] = ()
    install_s: dict[str, float] = field(default_factory=dict)
    """Expected install time per target (learned, or the default)."""
    default_install_s: float = 60.0


@dataclass(frozen=True)
class Assignment:
    """Give a group to a worker. ``take`` None: the whole group (it must be waiting);
    otherwise split ``take`` not-started jobs off the group's tail into a new group for the
    worker (the group may be waiting or held by another worker)."""

    group_id: str
    worker_id: str
    take: int | None = None


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...] = ()
    preempt: tuple[str, ...] = ()
    """Held groups asked to hand their worker back after the running test."""

    def __bool__(self) -> bool:
        return bool(self.assignments or self.preempt)
