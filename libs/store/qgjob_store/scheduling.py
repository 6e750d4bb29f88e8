"""The scheduler's state changes: join groups, read a snapshot, carry out a plan, recover
groups from workers that are gone, promote retries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import orjson

from qgjob_schemas import GroupState, GroupView, Plan, Priority, Snapshot, WorkerView
from qgjob_store.consumer import Entry, ensure_group
from qgjob_store.keys import WORKER_GROUP
from qgjob_store.store import Store


def _float(value: str) -> float | None:
    return float(value) if value else None


def _group(row: list[str]) -> GroupView:
    (gid, target, org, app, prio, state, size, left, work, waiting, dispatched, worker) = row[:12]
    yielding, run_started, run_est = row[12:15]
    started = _float(run_started)
    return GroupView(
        id=gid,
        target=target,
        org_id=org,
        app_version_id=app,
        priority=Priority(prio or "normal"),
        state=GroupState(state),
        size=int(size or 0),
        left=max(0, int(left or 0)),
        work_s=max(0.0, float(work or 0)),
        waiting_since=float(waiting or 0),
        dispatched_at=_float(dispatched),
        worker_id=worker or None,
        yielding=yielding == "1",
        current_ends_at=None if started is None else started + float(run_est or 0),
    )


def _worker(row: list[object]) -> WorkerView:
    wid, target, capacity, versions, groups = row
    return WorkerView(
        id=str(wid),
        target=str(target),
        capacity=int(str(capacity) or 1),
        versions=tuple(orjson.loads(str(versions) or "[]")),
        groups=tuple(str(g) for g in groups),  # type: ignore[attr-defined]
    )


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
        """Group the submissions and ack them; returns the ids of the groups they joined.
        Entries that name no usable job are dead-lettered as poison by the script."""
        if not entries:
            return []
        args: list[str | int | float] = [max_group_size, default_test_s]
        for entry_id, fields in entries:
            args += [entry_id, fields.get("job", "")]
        touched: list[str] = await self._s.scripts.run("join", *args)
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

    async def snapshot(self, targets: Iterable[str], default_install_s: float = 60.0) -> Snapshot:
        now, workers, groups, installs = await self._s.scripts.run("snapshot", *targets)
        return Snapshot(
            now=float(now),
            workers=tuple(_worker(w) for w in workers),
            groups=tuple(_group(g) for g in groups),
            install_s={t: float(s) for t, s in installs if s},
            default_install_s=default_install_s,
        )

    async def carry_out(self, plan: Plan) -> list[str]:
        """Dispatch and split as planned, then ask the chosen groups to yield; returns the
        ids of the groups given to workers."""
        given: list[str] = []
        if plan.assignments:
            args: list[str | int] = [uuid.uuid4().hex]
            for a in plan.assignments:
                args += [a.group_id, a.worker_id, "" if a.take is None else a.take]
            given = await self._s.scripts.run("dispatch", *args)
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
