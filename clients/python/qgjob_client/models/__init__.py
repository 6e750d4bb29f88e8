"""Contains all the data models used in inputs/outputs"""

from .app_build import AppBuild
from .app_build_upload import AppBuildUpload
from .artifact import Artifact
from .dead_letter import DeadLetter
from .dead_letter_batch import DeadLetterBatch
from .dead_letter_raw_type_0 import DeadLetterRawType0
from .dead_letter_selection import DeadLetterSelection
from .dead_letter_skip import DeadLetterSkip
from .duration_stats import DurationStats
from .duration_stats_install_s import DurationStatsInstallS
from .duration_stats_test_s import DurationStatsTestS
from .error import Error
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .group_detail import GroupDetail
from .group_job import GroupJob
from .group_page import GroupPage
from .group_state import GroupState
from .health import Health
from .job import Job
from .job_event import JobEvent
from .job_group import JobGroup
from .job_page import JobPage
from .job_payload import JobPayload
from .job_result import JobResult
from .job_status import JobStatus
from .outcome import Outcome
from .priority import Priority
from .queue_stats import QueueStats
from .stats import Stats
from .stats_jobs_by_status import StatsJobsByStatus
from .stats_jobs_by_target import StatsJobsByTarget
from .stats_jobs_by_target_additional_property import StatsJobsByTargetAdditionalProperty
from .stats_jobs_finished_by_target import StatsJobsFinishedByTarget
from .stats_jobs_finished_by_target_additional_property import StatsJobsFinishedByTargetAdditionalProperty
from .stats_queues_type_0 import StatsQueuesType0
from .stats_timeline import StatsTimeline
from .stats_workers_by_state_type_0 import StatsWorkersByStateType0
from .stats_workers_by_target_type_0 import StatsWorkersByTargetType0
from .stats_workers_by_target_type_0_additional_property import StatsWorkersByTargetType0AdditionalProperty
from .suite import Suite
from .suite_cancellation import SuiteCancellation
from .suite_counts import SuiteCounts
from .suite_payload import SuitePayload
from .target import Target
from .test_counts import TestCounts
from .timeline_point import TimelinePoint
from .token_create import TokenCreate
from .token_created import TokenCreated
from .token_info import TokenInfo
from .worker import Worker
from .worker_state import WorkerState

__all__ = (
    "AppBuild",
    "AppBuildUpload",
    "Artifact",
    "DeadLetter",
    "DeadLetterBatch",
    "DeadLetterRawType0",
    "DeadLetterSelection",
    "DeadLetterSkip",
    "DurationStats",
    "DurationStatsInstallS",
    "DurationStatsTestS",
    "Error",
    "ErrorBody",
    "ErrorDetail",
    "GroupDetail",
    "GroupJob",
    "GroupPage",
    "GroupState",
    "Health",
    "Job",
    "JobEvent",
    "JobGroup",
    "JobPage",
    "JobPayload",
    "JobResult",
    "JobStatus",
    "Outcome",
    "Priority",
    "QueueStats",
    "Stats",
    "StatsJobsByStatus",
    "StatsJobsByTarget",
    "StatsJobsByTargetAdditionalProperty",
    "StatsJobsFinishedByTarget",
    "StatsJobsFinishedByTargetAdditionalProperty",
    "StatsQueuesType0",
    "StatsTimeline",
    "StatsWorkersByStateType0",
    "StatsWorkersByTargetType0",
    "StatsWorkersByTargetType0AdditionalProperty",
    "Suite",
    "SuiteCancellation",
    "SuiteCounts",
    "SuitePayload",
    "Target",
    "TestCounts",
    "TimelinePoint",
    "TokenCreate",
    "TokenCreated",
    "TokenInfo",
    "Worker",
    "WorkerState",
)
