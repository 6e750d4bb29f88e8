"""Workers as the registry reports them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from qgjob_schemas.enums import Target, WorkerState


class Worker(BaseModel):
    id: str
    target: Target
    state: WorkerState = Field(
        description="`idle`, `busy` (holds a group), `draining` (shutting down) or `lost` "
        "(no heartbeat within the heartbeat TTL)."
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
