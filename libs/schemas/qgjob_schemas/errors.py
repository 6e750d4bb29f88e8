"""The one error model every API error response uses."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str | None = Field(default=None, description="Dotted path of the offending field.")
    message: str


class ErrorBody(BaseModel):
    code: str = Field(description="Machine-readable error code, e.g. `validation_error`.")
    message: str = Field(description="One human-readable sentence.")
    details: list[ErrorDetail] = Field(default_factory=list)


class Error(BaseModel):
    """Body of every 4xx/5xx response."""

    error: ErrorBody
    request_id: str | None = None
