"""Entries of the dead-letter stream."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class DeadLetter(BaseModel):
    id: str
    job_id: str | None = None
    org_id: str | None = None
    reason: str
    attempts: int = 0
    last_error: str | None = None
    log_tail: str = ""
    at: datetime
    raw: dict[str, str] | None = None
