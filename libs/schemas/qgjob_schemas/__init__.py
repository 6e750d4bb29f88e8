"""The contract between qgjob's services and its clients: one definition of each model."""

from qgjob_schemas.dead_letters import DeadLetter
from qgjob_schemas.enums import (
    TERMINAL_STATUSES,
    GroupState,
    JobStatus,
    Outcome,
    Priority,
    Target,
    WorkerState,
)
from qgjob_schemas.errors import Error, ErrorBody, ErrorDetail
from qgjob_schemas.events import JobEvent
from qgjob_schemas.execution import RunJob
from qgjob_schemas.fields import ID_PATTERN, Identifier, TestPath
from qgjob_schemas.groups import JobGroup
from qgjob_schemas.jobs import Job, JobPage, JobPayload, JobResult
from qgjob_schemas.scheduling import Assignment, GroupView, Plan, Snapshot, WorkerView
from qgjob_schemas.stats import DurationStats, Stats
from qgjob_schemas.workers import Worker

__all__ = [
    "ID_PATTERN",
    "TERMINAL_STATUSES",
    "Assignment",
    "DeadLetter",
    "DurationStats",
    "Error",
    "ErrorBody",
    "ErrorDetail",
    "GroupState",
    "GroupView",
    "Identifier",
    "Job",
    "JobEvent",
    "JobGroup",
    "JobPage",
    "JobPayload",
    "JobResult",
    "JobStatus",
    "Outcome",
    "Plan",
    "Priority",
    "RunJob",
    "Snapshot",
    "Stats",
    "Target",
    "TestPath",
    "Worker",
    "WorkerState",
    "WorkerView",
]
