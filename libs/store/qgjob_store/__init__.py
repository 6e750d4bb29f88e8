"""qgjob's store of record: jobs, groups, suites, workers and their events as Redis keys,
the Lua scripts that change them, and the consumer-loop helpers."""

from qgjob_store.assignments import AssignmentReader
from qgjob_store.auth import TokenStore
from qgjob_store.browserstack import BrowserStackStore
from qgjob_store.builds import BuildStore, RegisterOutcome
from qgjob_store.connection import StoreConfigError, connect, is_memory, require_shared_store
from qgjob_store.consumer import Entry, StreamReader, ensure_group
from qgjob_store.dead_letters import DeadLetterStore
from qgjob_store.events import EventLog, EventSource, JobEventLog, parse_id, valid_stream_id
from qgjob_store.execution import Finished, Lease, Started, WorkerStore
from qgjob_store.groups import GroupStore
from qgjob_store.idempotency import Claim, IdempotencyConflictError, IdempotencyStore
from qgjob_store.jobs import (
    CancelOutcome,
    JobStore,
    NewJob,
    QuotaExceededError,
    RequeueOutcome,
    StagingLostError,
    SuiteRecord,
)
from qgjob_store.keys import HOLDING_CONSUMER, SCHEDULER_GROUP, WORKER_GROUP, Keys
from qgjob_store.ratelimit import RateDecision, RateLimiter
from qgjob_store.registry import WorkerRegistry
from qgjob_store.scheduling import SchedulerStore
from qgjob_store.scripts import Retention, Scripts
from qgjob_store.stats import StatsStore
from qgjob_store.store import ReplicationTimeoutError, Store
from qgjob_store.suites import SuiteStore

__all__ = [
    "HOLDING_CONSUMER",
    "SCHEDULER_GROUP",
    "WORKER_GROUP",
    "AssignmentReader",
    "BrowserStackStore",
    "BuildStore",
    "CancelOutcome",
    "Claim",
    "DeadLetterStore",
    "Entry",
    "EventLog",
    "EventSource",
    "Finished",
    "GroupStore",
    "IdempotencyConflictError",
    "IdempotencyStore",
    "JobEventLog",
    "JobStore",
    "Keys",
    "Lease",
    "NewJob",
    "QuotaExceededError",
    "RateDecision",
    "RateLimiter",
    "RegisterOutcome",
    "ReplicationTimeoutError",
    "RequeueOutcome",
    "Retention",
    "SchedulerStore",
    "Scripts",
    "StagingLostError",
    "Started",
    "StatsStore",
    "Store",
    "StoreConfigError",
    "StreamReader",
    "SuiteRecord",
    "SuiteStore",
    "TokenStore",
    "WorkerRegistry",
    "WorkerStore",
    "connect",
    "ensure_group",
    "is_memory",
    "parse_id",
    "require_shared_store",
    "valid_stream_id",
]
