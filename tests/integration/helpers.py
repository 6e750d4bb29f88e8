"""Shortcuts for driving the state machine by hand in integration tests."""

from __future__ import annotations

from qgjob_schemas import Assignment, Job, JobPayload, JobResult, Outcome, Plan
from qgjob_store import (
    HOLDING_CONSUMER,
    SCHEDULER_GROUP,
    WORKER_GROUP,
    JobStore,
    Lease,
    SchedulerStore,
    Store,
    StreamReader,
    WorkerStore,
    ensure_group,
)


async def submit(
    store: Store,
    n: int = 1,
    *,
    app: str = "A",
    target: str = "emulator",
    path: str = "tests/t{}.spec.js",
    org: str = "org1",
    max_attempts: int = 3,
) -> list[Job]:
    jobs = JobStore(store)
    payloads = [
        JobPayload(org_id=org, app_version_id=app, test_path=path.format(i), target=target)  # type: ignore[arg-type]
        for i in range(n)
    ]
    return await jobs.submit([jobs.prepare(p, max_attempts) for p in payloads])


def scheduler_reader(store: Store, consumer: str = "s1") -> StreamReader:
    return StreamReader(
        store.redis, store.keys.jobs_stream(), SCHEDULER_GROUP, consumer, count=1000, block_ms=50
    )


async def group_all(store: Store, max_size: int = 50) -> list[str]:
    """Read every submission and group it; returns the touched group ids."""
    reader = scheduler_reader(store)
    await reader.start()
    touched: list[str] = []
    while entries := await reader.read(block=False):
        touched += await SchedulerStore(store).join(entries, max_size)
    return touched


async def register(
    store: Store,
    worker: str = "w1",
    target: str = "emulator",
    *,
    capacity: int = 1,
    versions: tuple[str, ...] = (),
    lease_ms: int = 30000,
) -> WorkerStore:
    """A worker's heartbeat, as a live worker writes it: the scheduler may now use it."""
    ws = WorkerStore(store, worker, target)
    await ws.heartbeat(
        "idle", ttl_ms=60_000, capacity=capacity, versions=list(versions), lease_ms=lease_ms
    )
    return ws


async def give(store: Store, gid: str, worker: str = "w1", take: int | None = None) -> list[str]:
    """Carry out a plan of one assignment; returns the groups given."""
    return await SchedulerStore(store).carry_out(Plan(assignments=(Assignment(gid, worker, take),)))


async def read_and_acquire(store: Store, worker: str = "w1", target: str = "emulator") -> Lease:
    ws = WorkerStore(store, worker, target)
    reader = ws.reader(store, block_ms=50)
    await reader.start()
    entries = await reader.read(block=False)
    assert entries, "the worker holds no assignment"
    lease = await ws.acquire(entries[0])
    assert lease is not None
    return lease


async def dispatch_and_acquire(
    store: Store, gid: str, worker: str = "w1", target: str = "emulator"
) -> Lease:
    await register(store, worker, target)
    assert await give(store, gid, worker) == [gid]
    return await read_and_acquire(store, worker, target)


async def held_by(
    store: Store, consumer: str = HOLDING_CONSUMER, target: str = "emulator"
) -> list[str]:
    """The groups whose assignment entries are in ``consumer``'s pending list (a worker's,
    or by default the holding consumer's: the groups waiting), oldest entry first."""
    stream = store.keys.assign(target)
    rows = await store.redis.xpending_range(
        stream, WORKER_GROUP, "-", "+", 1000, consumername=consumer
    )
    groups = []
    for row in rows:
        ((_, fields),) = await store.redis.xrange(stream, row["message_id"], row["message_id"])
        groups.append(fields["group"])
    return groups


async def raw_assignment(
    store: Store, fields: dict[str, str | bytes], worker: str = "w1", target: str = "emulator"
) -> str:
    """An entry no script wrote, put straight into ``worker``'s pending list of the target's
    assignment stream (as a bug or a hand would); returns its id."""
    stream = store.keys.assign(target)
    await ensure_group(store.redis, stream, WORKER_GROUP)
    eid = str(await store.redis.xadd(stream, fields))  # type: ignore[arg-type]
    ((_, ((read, _),)),) = await store.redis.xreadgroup(WORKER_GROUP, worker, {stream: ">"})
    assert read == eid, "every entry a script adds is read at once: only this one is unread"
    return eid


def passed() -> JobResult:
    return JobResult(outcome=Outcome.PASSED)
