"""App builds registered for an (org, app version), and the files a job produced."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from qgjob_schemas.fields import Identifier, RequestModel

BUILD_SUFFIXES = (".apk", ".aab", ".ipa")
"""File types a build may be: Android package, Android app bundle, iOS app."""
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
PACKAGE_PATTERN = r"^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$"
URL_MAX = 4096


class BuildForm(RequestModel):
    """The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart form whose field
    ``file`` holds the build, or which gives its ``url``)."""

    model_config = ConfigDict(title="Body_registerAppBuild")

    org_id: Identifier | None = Field(
        default=None, description="Org that owns the build [default: the token's]."
    )
    url: str | None = Field(
        default=None, max_length=URL_MAX, description="Or: where workers download it."
    )
    sha256: str | None = Field(
        default=None,
        pattern=SHA256_PATTERN,
        description="Required with url; checked for a file.",
    )
    package: str | None = Field(
        default=None, pattern=PACKAGE_PATTERN, description="Android package, e.g. com.acme.app."
    )


class AppBuild(BaseModel):
    """A build of an app version, as registered with ``POST /v1/apps/{app_version_id}``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "qualgent",
                    "app_version_id": "xyz123",
                    "source": "https://builds.example.com/xyz123/app-release.apk",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "filename": "app-release.apk",
                    "size": 48213377,
                    "package": "com.qualgent.app",
                    "created_at": "2026-11-28T12:00:00Z",
                }
            ]
        }
    )

    org_id: str
    app_version_id: str
    source: str = Field(
        description="Where workers fetch the build: an https:// URL, or a file:// URL in the "
        "build store for an uploaded file."
    )
    sha256: str = Field(description="SHA-256 of the build file, hex; workers verify it.")
    filename: str = Field(description="File name, ending in .apk, .aab or .ipa.")
    size: int | None = Field(default=None, description="Bytes, when known (uploads).")
    package: str | None = Field(
        default=None, description="Android package name (e.g. com.acme.app), used by adb."
    )
    created_at: datetime


class Artifact(BaseModel):
    """A file a job left behind: its log, or what the test command wrote to its output
    folder (videos, screenshots, reports)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "path": "attempt-1/run-1/log.txt",
                    "size": 1048576,
                    "modified_at": "2026-11-28T12:03:00Z",
                    "url": "/v1/jobs/01JDY4T6M3Q9W8K7R2N5P1X0AB/artifacts/attempt-1/run-1/log.txt",
                }
            ]
        }
    )

    path: str = Field(description="Path under the job's artifacts, e.g. attempt-1/run-1/log.txt")
    size: int
    modified_at: datetime
    url: str = Field(description="Where to download it.")
