"""Entries of the dead-letter stream."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from qgjob_schemas.fields import ID_PATTERN


class DeadLetter(BaseModel):
    """A job that ran out of attempts (or a poison stream entry), with its last error."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "1732795200000-0",
                    "job_id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "test_path": "tests/login.spec.js",
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
    test_path: str | None = Field(
        default=None, description="The job's test, while its record lives (none for poison)."
    )
    reason: str
    attempts: int = 0
    last_error: str | None = None
    log_tail: str = ""
    at: datetime
    raw: dict[str, str] | None = None


ENTRY_ID_PATTERN = r"^\d{1,20}-\d{1,20}$"
BATCH_MAX = 1000

DeadLetterRef = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=f"{ENTRY_ID_PATTERN}|{ID_PATTERN}")
]
"""A dead letter named by its entry id (``1732795200000-0``) or by its job's id."""


class DeadLetterSelection(BaseModel):
    """Which dead letters a bulk action takes: the ones named, or every one in view."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"ids": ["1732795200000-0"]}, {"all": True}]},
    )
    ids: list[DeadLetterRef] | None = Field(
        default=None,
        max_length=BATCH_MAX,
        description="Entry ids or job ids (a job id takes every entry of that job).",
    )
    all: bool = Field(
        default=False,
        description="Every dead letter of the token's org (an operator's: of `org_id`, or all).",
    )

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.ids is None) == (not self.all):
            raise ValueError("give either ids or all: true")
        return self


class DeadLetterSkip(BaseModel):
    """A selected dead letter the action left as it was, and why."""

    id: str = Field(description="The entry id or job id as it was given.")
    reason: str


class DeadLetterBatch(BaseModel):
    """What a bulk action on dead letters did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "requeued": ["01JDY4T6M3Q9W8K7R2N5P1X0AB"],
                    "removed": ["1732795200000-0"],
                    "skipped": [{"id": "1732795200001-0", "reason": "poison entry: no job"}],
                }
            ]
        }
    )
    requeued: list[str] = Field(default_factory=list, description="Job ids queued again.")
    removed: list[str] = Field(default_factory=list, description="Entry ids taken off the list.")
    skipped: list[DeadLetterSkip] = Field(default_factory=list)
