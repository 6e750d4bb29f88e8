"""Groups of jobs that share one app install."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from qgjob_schemas.enums import GroupState, Priority, Target


class JobGroup(BaseModel):
    """Jobs of one ``(org_id, app_version_id, target)`` that run after a single install."""

    id: str
    org_id: str
    app_version_id: str
    target: Target
    state: GroupState
    priority: Priority = Priority.NORMAL
    size: int = 0
    created_at: datetime
    dispatched_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker_id: str | None = None
    installed: bool | None = None
    job_ids: list[str] = []
