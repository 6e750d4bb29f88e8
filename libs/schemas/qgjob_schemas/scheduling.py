"""What the scheduler's policy sees: plain data read from the store in one step."""

from __future__ import annotations

from dataclasses import dataclass, field

from qgjob_schemas.enums import Priority


@dataclass(frozen=True)
class OpenGroup:
    """A group that gathers jobs and has not been dispatched yet."""

    id: str
    target: str
    size: int
    created_at: float
    priority: Priority = Priority.NORMAL
    org_id: str = ""
    app_version_id: str = ""


@dataclass(frozen=True)
class TargetLoad:
    """Per target: workers waiting for work, and groups published that none took yet."""

    target: str
    idle_workers: int = 0
    waiting_groups: int = 0


@dataclass(frozen=True)
class Snapshot:
    now: float
    targets: dict[str, TargetLoad] = field(default_factory=dict)
    groups: list[OpenGroup] = field(default_factory=list)
