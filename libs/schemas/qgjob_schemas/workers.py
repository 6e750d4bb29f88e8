"""Workers as the registry reports them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from qgjob_schemas.enums import Target, WorkerState


class Worker(BaseModel):
    id: str
    target: Target
    state: WorkerState
    group_id: str | None = None
    installed_versions: list[str] = []
    last_heartbeat: datetime | None = None
    capacity: int = 1
