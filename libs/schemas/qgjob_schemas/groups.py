"""Groups of jobs that share one app install."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from qgjob_schemas.enums import GroupState, JobStatus, Priority, Target


class JobGroup(BaseModel):
    """Jobs of one ``(org_id, app_version_id, target)`` that run after a single install."""

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

    jobs: list[GroupJob] = []
    workers: list[str] = Field(default=[], description="Workers that ran jobs of the group.")
    wait_s: float | None = Field(default=None, description="Created → taken by a worker.")
    run_s: float | None = Field(default=None, description="Taken by a worker → done.")


class GroupPage(BaseModel):
    """Groups newest first; pass ``next_cursor`` as ``cursor`` for the next page."""

    items: list[JobGroup]
    next_cursor: str | None = None
