"""Answers of the liveness and readiness probes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    """The probe's verdict."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0"}]}
    )
    status: str = Field(description="`ok` (the process is up) or `ready` (the store answers).")
    version: str | None = Field(default=None, description="The server's version (liveness).")
