"""The contract between qgjob's services and its clients: one definition of each model."""

from qgjob_schemas.auth import TokenCreate, TokenCreated, TokenInfo
from qgjob_schemas.builds import (
    BUILD_SUFFIXES,
    PACKAGE_PATTERN,
    SHA256_PATTERN,
    AppBuild,
    Artifact,
    BuildForm,
)
from qgjob_schemas.dead_letters import (
    ENTRY_ID_PATTERN,
    DeadLetter,
    DeadLetterBatch,
    DeadLetterSelection,
    DeadLetterSkip,
)
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
from qgjob_schemas.fields import (
    FILE_NAME_MAX_BYTES,
    ID_MESSAGE,
    ID_PATTERN,
    Identifier,
    Name,
    RequestModel,
    TestPath,
    check_file_name,
    check_text,
)
from qgjob_schemas.groups import GroupDetail, GroupJob, GroupPage, JobGroup
from qgjob_schemas.health import Health
from qgjob_schemas.jobs import Job, JobPage, JobPayload, JobResult, TestCounts
from qgjob_schemas.scheduling import Assignment, GroupView, Plan, Snapshot, WorkerView
from qgjob_schemas.stats import (
    TIMELINE_MAX_MINUTES,
    DurationStats,
    QueueStats,
    Stats,
    StatsTimeline,
    TimelinePoint,
)
from qgjob_schemas.suites import (
    SUITE_MAX_JOBS,
    Suite,
    SuiteCancellation,
    SuitePayload,
    suite_dashboard_path,
)
from qgjob_schemas.workers import HEALTH_DETAIL_MAX, Worker, health_detail

__all__ = [
    "BUILD_SUFFIXES",
    "ENTRY_ID_PATTERN",
    "FILE_NAME_MAX_BYTES",
    "HEALTH_DETAIL_MAX",
    "ID_MESSAGE",
    "ID_PATTERN",
    "PACKAGE_PATTERN",
    "SHA256_PATTERN",
    "SUITE_MAX_JOBS",
    "TERMINAL_STATUSES",
    "TIMELINE_MAX_MINUTES",
    "AppBuild",
    "Artifact",
    "Assignment",
    "BuildForm",
    "DeadLetter",
    "DeadLetterBatch",
    "DeadLetterSelection",
    "DeadLetterSkip",
    "DurationStats",
    "Error",
    "ErrorBody",
    "ErrorDetail",
    "GroupDetail",
    "GroupJob",
    "GroupPage",
    "GroupState",
    "GroupView",
    "Health",
    "Identifier",
    "Job",
    "JobEvent",
    "JobGroup",
    "JobPage",
    "JobPayload",
    "JobResult",
    "JobStatus",
    "Name",
    "Outcome",
    "Plan",
    "Priority",
    "QueueStats",
    "RequestModel",
    "RunJob",
    "Snapshot",
    "Stats",
    "StatsTimeline",
    "Suite",
    "SuiteCancellation",
    "SuitePayload",
    "Target",
    "TestCounts",
    "TestPath",
    "TimelinePoint",
    "TokenCreate",
    "TokenCreated",
    "TokenInfo",
    "Worker",
    "WorkerState",
    "WorkerView",
    "check_file_name",
    "check_text",
    "health_detail",
    "suite_dashboard_path",
]
