"""Job submission, job records and pages of jobs."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, computed_field, model_validator

from qgjob_schemas.enums import JobStatus, Outcome, Priority, Target
from qgjob_schemas.fields import Identifier, RequestModel, TestPath

MAX_ATTEMPTS_LIMIT = 20
FLAKY_RETRIES_LIMIT = 5


class JobPayload(RequestModel):
    """What a client submits to run one test."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_id": "qualgent",
                    "app_version_id": "xyz123",
                    "test_path": "tests/onboarding.spec.js",
                    "priority": "normal",
                    "target": "emulator",
                }
            ]
        },
    )

    org_id: Identifier | None = Field(
        default=None,
        description="Organisation that owns the job. Taken from the API token when omitted; "
        "must be the token's organisation when given.",
    )
    app_version_id: Identifier = Field(description="Build of the app the test runs against.")
    test_path: TestPath = Field(description="Test file, relative to the test repository.")
    priority: Priority = Priority.NORMAL
    target: Target = Target.EMULATOR
    max_attempts: int | None = Field(
        default=None,
        strict=True,
        ge=1,
        le=MAX_ATTEMPTS_LIMIT,
        description="Attempts allowed for infrastructure errors; the server default when omitted.",
    )
    flaky_retries: int = Field(
        default=0,
        strict=True,
        ge=0,
        le=FLAKY_RETRIES_LIMIT,
        description="Reruns of a failed test; a later pass is reported as flaky.",
    )
    app_url: AnyHttpUrl | None = Field(
        default=None,
        description="Where a worker downloads the app build when none is registered for "
        "this app version (`POST /v1/apps/{app_version_id}`).",
    )


class TestCounts(BaseModel):
    """Test counts from the report the test command wrote (JUnit XML or JSON)."""

    __test__ = False  # not a pytest test class

    total: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0


class JobResult(BaseModel):
    """What the last run of a job produced."""

    outcome: Outcome
    message: str = ""
    duration_s: float = Field(default=0.0, description="Seconds of the last run.")
    total_s: float = Field(
        default=0.0,
        description="Seconds of all runs (reruns of a flaky test included); the job's "
        "duration everywhere qgjob shows one.",
    )
    flaky: bool = False
    runs: int = 1
    log_tail: str = ""
    retryable: bool = Field(
        default=True,
        description="For an `error`: whether another attempt may help. A configuration "
        "error (credentials refused, a build no device can install) is not retried.",
    )
    counts: TestCounts | None = Field(
        default=None, description="Test counts, when the test command wrote a report."
    )

    @model_validator(mode="after")
    def _total_covers_the_last_run(self) -> JobResult:
        # results stored before ``total_s`` existed, and single runs, have the last run only
        self.total_s = max(self.total_s, self.duration_s)
        return self


class Job(BaseModel):
    """A job record as the API reports it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                    "org_id": "qualgent",
                    "app_version_id": "xyz123",
                    "test_path": "tests/onboarding.spec.js",
                    "priority": "normal",
                    "target": "emulator",
                    "status": "queued",
                    "max_attempts": 3,
                    "flaky_retries": 0,
                    "attempts": 0,
                    "created_at": "2026-11-28T12:00:00Z",
                    "updated_at": "2026-11-28T12:00:00Z",
                    "flaky": False,
                }
            ]
        }
    )

    id: str
    org_id: str
    app_version_id: str
    test_path: str
    priority: Priority
    target: Target
    status: JobStatus
    max_attempts: int
    flaky_retries: int = 0
    app_url: str | None = None
    attempts: int = 0
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker_id: str | None = None
    group_id: str | None = None
    suite_id: str | None = None
    result: JobResult | None = None
    error: str | None = None
    cancel_requested: bool = False

    @computed_field(  # type: ignore[prop-decorator]
        description="Passed only on a rerun of a failed test (see `result.runs`)."
    )
    @property
    def flaky(self) -> bool:
        return self.status is JobStatus.PASSED and self.result is not None and self.result.flaky


class JobPage(BaseModel):
    """One page of jobs, newest first. Pass ``next_cursor`` as ``cursor`` for the next page."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})

    items: list[Job]
    next_cursor: str | None = None
