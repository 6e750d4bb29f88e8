"""App builds registered for an (org, app version), and the files a job produced."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

BUILD_SUFFIXES = (".apk", ".aab", ".ipa")
"""File types a build may be: Android package, Android app bundle, iOS app."""


class AppBuild(BaseModel):
    """A build of an app version, as registered with ``POST /v1/apps/{app_version_id}``."""

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

    path: str = Field(description="Path under the job's artifacts, e.g. attempt-1/run-1/log.txt")
    size: int
    modified_at: datetime
    url: str = Field(description="Where to download it.")
