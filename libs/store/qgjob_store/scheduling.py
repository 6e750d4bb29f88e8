"""The scheduler's state changes: join groups, read a snapshot, carry out a plan, recover
groups from workers that are gone, promote retries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence

from qgjob_schemas import Plan, Snapshot
from qgjob_store.consumer import Entry, ensure_group
from qgjob_store.keys import WORKER_GROUP
from qgjob_store.scheduler_view import SchedulerView
from qgjob_store.store import Store

JOIN_CHUNK = 20
"""Submissions grouped per script call: Redis runs one script at a time, and a call of 500
(about 0.1 ms each) kept every worker and API request waiting for 50 ms or more; one of 50
still took 7 to 13 ms at its p99 with 5,000 workers beating."""


DISPATCH_CHUNK = 10
"""Plan steps carried out per script call: a step costs some 40 commands (the group's recount
included), and a farm coming up is given thousands of groups in one plan (a call of 20 took
up to 6.5 ms at its p99)."""
DISPATCH_CALLS_AT_ONCE = 8
"""Script calls of one plan in flight at once, each on a connection of its own: a call waits
a round of Redis's event loop behind the farm's traffic, and one call after another spent
most of a 5,000-group plan in those waits. Each step checks again what it assumed, so the
order in which calls of a plan land does not matter."""


class SchedulerStore:
    def __init__(self, store: Store) -> None:
        self._s = store

    async def open_assignment_streams(self, targets: Iterable[str]) -> None:
        """Create each target's assignment stream and its workers' consumer group, so that
        what reads their pending count (KEDA, the stats) finds them before the first group
        of a target (the scripts create them too when they add an entry)."""
        for target in targets:
            await ensure_group(self._s.redis, self._s.keys.assign(target), WORKER_GROUP)

    async def join(
        self, entries: Sequence[Entry], max_group_size: int, default_test_s: float = 60.0
    ) -> list[str]:
        """Group the submissions and ack them, :data:`JOIN_CHUNK` per script call; returns
        the ids of the groups they joined. Entries that name no usable job are dead-lettered
        as poison by the script."""
        touched: list[str] = []
        for i in range(0, len(entries), JOIN_CHUNK):
            args: list[str | int | float] = [max_group_size, default_test_s]
            for entry_id, fields in entries[i : i + JOIN_CHUNK]:
                args += [entry_id, fields.get("job", "")]
            touched += [g for g in await self._s.scripts.run("join", *args) if g not in touched]
        return touched

    async def traceparents(self, job_ids: Sequence[str]) -> list[str]:
        """The stored trace context of each job ('' for none)."""
        async with self._s.redis.pipeline(transaction=False) as pipe:
            for jid in job_ids:
                pipe.hget(self._s.keys.job(jid), "traceparent")
            found: list[str | None] = await pipe.execute()
        return [tp or "" for tp in found]

    async def group_traceparents(self, group_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """``(group id, job id, traceparent)`` of every job of the groups."""
        async with self._s.redis.pipeline(transaction=False) as pipe:
            for gid in group_ids:
                pipe.lrange(self._s.keys.group_jobs(gid), 0, -1)
            members: list[list[str]] = await pipe.execute()
        pairs = [(gid, jid) for gid, jids in zip(group_ids, members, strict=True) for jid in jids]
        tps = await self.traceparents([jid for _, jid in pairs])
        return [(gid, jid, tp) for (gid, jid), tp in zip(pairs, tps, strict=True)]

    async def discard_poison(self, entries: list[tuple[Entry, int]]) -> set[str]:
        """Dead-letter jobs-stream entries delivered too often (their jobs end dead, reason
        ``poison``); returns their ids."""
        args: list[str | int] = ["jobs", "", ""]
        for (entry_id, fields), times in entries:
            args += [entry_id, fields.get("job", ""), times]
        await self._s.scripts.run("poison", *args)
        return {entry_id for (entry_id, _), _ in entries}

    def view(self, targets: Iterable[str], default_install_s: float = 60.0) -> SchedulerView:
        """A view of the targets' workers and groups that reads only what changed on each
        refresh (the scheduler keeps one)."""
        return SchedulerView(self._s, targets, default_install_s)

    async def snapshot(self, targets: Iterable[str], default_install_s: float = 60.0) -> Snapshot:
        """What a plan would see now, read afresh."""
        view = self.view(targets, default_install_s)
        await view.refresh()
        return view.snapshot()

    async def carry_out(self, plan: Plan) -> list[str]:
        """Dispatch and split as planned, :data:`DISPATCH_CHUNK` steps per script call, then
        ask the chosen groups to yield; returns the ids of the groups given to workers."""
        given: list[str] = []
        plan_id = uuid.uuid4().hex
        steps = plan.assignments
        calls: list[list[str | int]] = []
        for n, i in enumerate(range(0, len(steps), DISPATCH_CHUNK)):
            args: list[str | int] = [f"{plan_id}-{n}"]
            for a in steps[i : i + DISPATCH_CHUNK]:
                args += [a.group_id, a.worker_id, "" if a.take is None else a.take]
            calls.append(args)
        for i in range(0, len(calls), DISPATCH_CALLS_AT_ONCE):
            wave = calls[i : i + DISPATCH_CALLS_AT_ONCE]
            for ids in await asyncio.gather(*(self._s.scripts.run("dispatch", *a) for a in wave)):
                given += ids
        if plan.preempt:
            await self._s.scripts.run("preempt", *plan.preempt)
        return given

    async def recover(self, default_lease_ms: int = 30000) -> list[str]:
        """Take groups back from workers that are gone or whose lease expired."""
        taken: list[str] = await self._s.scripts.run("recover", default_lease_ms)
        return taken

    async def any_waiting(self) -> bool:
        """Whether a group may wait for a worker (its index is not empty; stale entries
        count until a snapshot drops them)."""
        return bool(await self._s.redis.zcard(self._s.keys.pending_groups()))

    async def lead(self, holder: str, ttl_ms: int) -> bool:
        """Whether ``holder`` is the one scheduler that plans dispatches now (a lock that
        expires when its holder stops renewing it)."""
        return bool(int(await self._s.scripts.run("lead", holder, ttl_ms)))

    async def promote_due(self, limit: int = 500) -> int:
        """Move retries whose backoff passed back into the jobs stream."""
        return int(await self._s.scripts.run("promote", limit))
