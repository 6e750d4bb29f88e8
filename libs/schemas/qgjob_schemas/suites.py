"""Suites: many tests of one app version, on one or more targets, submitted at once."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from qgjob_schemas.enums import JobStatus, Priority, Target
from qgjob_schemas.fields import Identifier, Name, RequestModel, TestPath
from qgjob_schemas.jobs import FLAKY_RETRIES_LIMIT, MAX_ATTEMPTS_LIMIT

SUITE_MAX_JOBS = 5000
"""Jobs one suite may create (tests × targets)."""


class SuitePayload(RequestModel):
    """Tests to run against one app version; one job per test and target."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_id": "qualgent",
                    "app_version_id": "xyz123",
                    "tests": ["tests/onboarding.spec.js", "tests/checkout.spec.js"],
                    "targets": ["emulator", "browserstack"],
                    "name": "nightly",
                }
            ]
        },
    )

    org_id: Identifier | None = Field(
        default=None, description="Organisation; taken from the API token when omitted."
    )
    app_version_id: Identifier = Field(description="Build of the app every test runs against.")
    tests: list[TestPath] = Field(
        min_length=1, max_length=SUITE_MAX_JOBS, description="Test files to run."
    )
    targets: list[Target] = Field(
        default_factory=lambda: [Target.EMULATOR],
        min_length=1,
        max_length=len(Target),
        description="Where to run each test: one job per test and target.",
    )
    name: Name = Field(default="", description="A label, e.g. the CI run.")
    priority: Priority = Priority.NORMAL
    max_attempts: int | None = Field(default=None, strict=True, ge=1, le=MAX_ATTEMPTS_LIMIT)
    flaky_retries: int = Field(default=0, strict=True, ge=0, le=FLAKY_RETRIES_LIMIT)

    @model_validator(mode="after")
    def _bounded(self) -> SuitePayload:
        if len(set(self.targets)) != len(self.targets):
            raise ValueError("targets must not repeat")
        if len(self.tests) * len(self.targets) > SUITE_MAX_JOBS:
            raise ValueError(f"a suite may create at most {SUITE_MAX_JOBS} jobs (tests × targets)")
        return self


def suite_dashboard_path(suite_id: str) -> str:
    """Where a suite's page is, relative to the API's base URL."""
    return f"/ui/#/suites/{suite_id}"


class Suite(BaseModel):
    """A suite and how far its jobs got."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "s01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "app_version_id": "xyz123",
                    "name": "nightly",
                    "targets": ["emulator"],
                    "total": 2,
                    "created_at": "2026-11-28T12:00:00Z",
                    "counts": {"passed": 1, "running": 1},
                    "finished": False,
                    "passed": False,
                    "job_ids": ["01JDY4T6M3Q9W8K7R2N5P1X0AC", "01JDY4T6M3Q9W8K7R2N5P1X0AD"],
                    "dashboard_path": "/ui/#/suites/s01JDY4T6M3Q9W8K7R2N5P1X0AB",
                }
            ]
        }
    )

    id: str
    org_id: str
    app_version_id: str
    name: str = ""
    targets: list[Target]
    total: int = Field(description="Jobs in the suite.")
    created_at: datetime
    counts: dict[JobStatus, int] = Field(
        description="Jobs by status (statuses with none left out)."
    )
    finished: bool = Field(description="Every job reached a terminal status.")
    passed: bool = Field(description="Finished, and every job passed (flaky passes count).")
    job_ids: list[str] = []

    @computed_field(  # type: ignore[prop-decorator]
        description="The suite's page in the dashboard, from the API's address: "
        "`<api>/ui/#/suites/<id>` (what `qgjob submit --wait` and CI print).",
        examples=["/ui/#/suites/s01JDY4T6M3Q9W8K7R2N5P1X0AB"],
    )
    @property
    def dashboard_path(self) -> str:
        return suite_dashboard_path(self.id)


class SuiteCancellation(BaseModel):
    """What cancelling a suite did. Cancelling again is harmless: what is already cancelled
    or finished counts as ``already_finished``, what is stopping as ``stopping``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "suite": Suite.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
                    "cancelled": 1,
                    "stopping": 1,
                    "already_finished": 0,
                }
            ]
        }
    )

    suite: Suite = Field(description="The suite after the cancel.")
    cancelled: int = Field(description="Waiting jobs this request cancelled: they never run.")
    stopping: int = Field(
        description="Running jobs asked to stop: each ends `cancelled` once its worker has "
        "stopped the test (`cancel_requested` is true meanwhile)."
    )
    already_finished: int = Field(description="Jobs that had finished (or been cancelled) before.")
