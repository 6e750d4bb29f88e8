"""qgjob's Redis library: key names, Lua scripts, stores and the consumer-loop helpers."""

from qgjob_redis.connection import StoreConfigError, connect, is_memory, require_shared_store
from qgjob_redis.consumer import Entry, StreamReader, ensure_group
from qgjob_redis.execution import Lease, Started, WorkerStore
from qgjob_redis.jobs import CancelOutcome, JobStore, NewJob, RequeueOutcome
from qgjob_redis.keys import SCHEDULER_GROUP, WORKER_GROUP, Keys
from qgjob_redis.registry import WorkerRegistry
from qgjob_redis.scheduling import SchedulerStore
from qgjob_redis.scripts import Retention, Scripts
from qgjob_redis.store import Store

__all__ = [
    "SCHEDULER_GROUP",
    "WORKER_GROUP",
    "CancelOutcome",
    "Entry",
    "JobStore",
    "Keys",
    "Lease",
    "NewJob",
    "RequeueOutcome",
    "Retention",
    "SchedulerStore",
    "Scripts",
    "Started",
    "Store",
    "StoreConfigError",
    "StreamReader",
    "WorkerRegistry",
    "WorkerStore",
    "connect",
    "ensure_group",
    "is_memory",
    "require_shared_store",
]
