"""qgjob's Redis library: key names, Lua scripts, stores and the consumer-loop helpers."""

from qgjob_redis.auth import TokenStore
from qgjob_redis.browserstack import BrowserStackStore
from qgjob_redis.builds import BuildStore, RegisterOutcome
from qgjob_redis.connection import StoreConfigError, connect, is_memory, require_shared_store
from qgjob_redis.consumer import Entry, StreamReader, ensure_group
from qgjob_redis.dead_letters import DeadLetterStore
from qgjob_redis.events import EventLog, EventSource, JobEventLog, parse_id, valid_stream_id
from qgjob_redis.execution import Finished, Lease, Started, WorkerStore
from qgjob_redis.groups import GroupStore
from qgjob_redis.idempotency import Claim, IdempotencyConflictError, IdempotencyStore
from qgjob_redis.jobs import (
    CancelOutcome,
    JobStore,
    NewJob,
    QuotaExceededError,
    RequeueOutcome,
    StagingLostError,
    SuiteRecord,
)
from qgjob_redis.keys import SCHEDULER_GROUP, WORKER_GROUP, Keys
from qgjob_redis.ratelimit import RateDecision, RateLimiter
from qgjob_redis.registry import WorkerRegistry
from qgjob_redis.scheduling import SchedulerStore
from qgjob_redis.scripts import Retention, Scripts
from qgjob_redis.stats import StatsStore
from qgjob_redis.store import ReplicationTimeoutError, Store
from qgjob_redis.suites import SuiteStore

__all__ = [
    "SCHEDULER_GROUP",
    "WORKER_GROUP",
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
