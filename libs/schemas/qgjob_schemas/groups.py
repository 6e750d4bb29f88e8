"""Groups of jobs that share one app install."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from qgjob_schemas.enums import GroupState, JobStatus, Priority, Target

GROUP_EXAMPLE: dict[str, JsonValue] = {
    "id": "g42",
    "org_id": "qualgent",
    "app_version_id": "xyz123",
    "target": "emulator",
    "state": "done",
    "priority": "normal",
    "size": 2,
    "created_at": "2026-11-28T12:00:00Z",
    "dispatched_at": "2026-11-28T12:00:00.2Z",
    "started_at": "2026-11-28T12:00:00.3Z",
    "finished_at": "2026-11-28T12:00:41Z",
    "worker_id": "emulator-1",
    "installed": True,
    "install_s": 31.2,
    "takeovers": 0,
}


class JobGroup(BaseModel):
    """Jobs of one ``(org_id, app_version_id, target)`` that run after a single install."""

    model_config = ConfigDict(json_schema_extra={"examples": [GROUP_EXAMPLE]})

    id: str
    org_id: str
    app_version_id: str
    target: Target
    state: GroupState
    priority: Priority = Priority.NORMAL
    size: int = 0
    created_at: datetime
    dispatched_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker_id: str | None = None
    installed: bool | None = Field(
        default=None,
        description="True: the app was installed for this group; false: it was already on the "
        "device (an install saved); null: not known yet.",
    )
    install_s: float | None = Field(default=None, description="Seconds the install took.")
    takeovers: int = Field(default=0, description="Times another worker took the group over.")
    job_ids: list[str] = []


class GroupJob(BaseModel):
    """A job of a group, in the order it joined."""

    id: str
    test_path: str
    status: JobStatus
    worker_id: str | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None


class GroupDetail(JobGroup):
    """A group with its jobs, the workers that ran them and its timings."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **GROUP_EXAMPLE,
                    "job_ids": ["01JDY4T6M3Q9W8K7R2N5P1X0AB"],
                    "jobs": [
                        {
                            "id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
                            "test_path": "tests/onboarding.spec.js",
                            "status": "passed",
                            "worker_id": "emulator-1",
                            "attempts": 1,
                        }
                    ],
                    "workers": ["emulator-1"],
                    "wait_s": 0.3,
                    "run_s": 40.7,
                }
            ]
        }
    )

    jobs: list[GroupJob] = []
    workers: list[str] = Field(default=[], description="Workers that ran jobs of the group.")
    wait_s: float | None = Field(default=None, description="Created → taken by a worker.")
    run_s: float | None = Field(default=None, description="Taken by a worker → done.")


class GroupPage(BaseModel):
    """Groups newest first; pass ``next_cursor`` as ``cursor`` for the next page."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [GROUP_EXAMPLE], "next_cursor": "42"}]}
    )

    items: list[JobGroup]
    next_cursor: str | None = None
