"""Workers as the registry reports them."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from qgjob_schemas.enums import Target, WorkerState

HEALTH_DETAIL_MAX = 300
"""Characters of a health detail kept: enough for a tool's error line, not its whole log."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def health_detail(text: str) -> str:
    """A driver's reason for an unhealthy device as the registry keeps it: one line (control
    characters, newlines and escape sequences included, become a space: it is shown in
    terminals and pages), at most ``HEALTH_DETAIL_MAX`` characters."""
    line = " ".join(_CONTROL.sub(" ", text).split())
    if len(line) <= HEALTH_DETAIL_MAX:
        return line
    return line[: HEALTH_DETAIL_MAX - 1].rstrip() + "…"


class Worker(BaseModel):
    """A worker as the registry reports it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "emulator-1",
                    "target": "emulator",
                    "state": "busy",
                    "group_id": "g42",
                    "group_ids": ["g42"],
                    "installed_versions": ["xyz123", "xyz122"],
                    "last_heartbeat": "2026-11-28T12:00:00Z",
                    "capacity": 1,
                    "health_detail": None,
                }
            ]
        }
    )

    id: str
    target: Target
    state: WorkerState = Field(
        description="`idle`, `busy` (holds a group), `draining` (shutting down), `unhealthy` "
        "(its device is not ready) or `lost` (no heartbeat within the heartbeat TTL)."
    )
    group_id: str | None = Field(default=None, description="The group it runs now, if any.")
    group_ids: list[str] = Field(
        default_factory=list, description="Every group it holds (more than one when capacity > 1)."
    )
    installed_versions: list[str] = Field(
        default_factory=list, description="App versions installed, most recently used first."
    )
    last_heartbeat: datetime | None = None
    capacity: int = Field(default=1, description="Groups it runs at once.")
    health_detail: str | None = Field(
        default=None,
        max_length=HEALTH_DETAIL_MAX,
        description="Why the device is not ready, in the driver's words (for the adb driver, "
        "adb's own output), while the worker is `unhealthy`; `null` otherwise.",
    )
