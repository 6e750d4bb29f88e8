"""Entries of the dead-letter stream."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DeadLetter(BaseModel):
    """A job that ran out of attempts (or a poison stream entry), with its last error."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "1732795200000-0",
                    "job_id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "reason": "attempts_exhausted",
                    "attempts": 3,
                    "last_error": "simulated device connection lost",
                    "log_tail": "device connection lost\n",
                    "at": "2026-11-28T12:00:00Z",
                }
            ]
        }
    )
    id: str
    job_id: str | None = None
    org_id: str | None = None
    reason: str
    attempts: int = 0
    last_error: str | None = None
    log_tail: str = ""
    at: datetime
    raw: dict[str, str] | None = None
