"""API tokens: one organisation each, created and revoked by an operator."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from qgjob_schemas.fields import Identifier, Name, RequestModel


class TokenCreate(RequestModel):
    """What an operator asks for: a token for one organisation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"org_id": "qualgent", "name": "ci-pipeline"}]},
    )

    org_id: Identifier = Field(description="Organisation the token acts for.")
    name: Name = Field(default="", description="A label for operators.")


class TokenInfo(BaseModel):
    """A token as stored: never the secret itself."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "name": "ci-pipeline",
                    "created_at": "2026-11-28T12:00:00Z",
                }
            ]
        }
    )

    id: str
    org_id: str
    name: str = ""
    created_at: datetime


class TokenCreated(TokenInfo):
    """The new token. ``token`` is shown once: only its hash is stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "name": "ci-pipeline",
                    "created_at": "2026-11-28T12:00:00Z",
                    "token": "qgj_01JDY4T6M3Q9W8K7R2N5P1X0AB_3q2-L4t0kq6d2r0WQxYk8mHn1s5Zb7vA",
                }
            ]
        }
    )

    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
