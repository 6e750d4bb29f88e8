"""State-change events appended to the events stream."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from qgjob_schemas.enums import JobStatus


class JobEvent(BaseModel):
    id: str
    job_id: str
    org_id: str
    status: JobStatus
    at: datetime
    group_id: str | None = None
    suite_id: str | None = None
    worker_id: str | None = None
    attempt: int | None = None
    message: str | None = None
