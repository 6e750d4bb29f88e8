"""Workers as the registry reports them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from qgjob_schemas.enums import Target, WorkerState


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
