"""The scheduler's view of the farm: the workers and the groups waiting or held, kept in
step with Redis by reading only what changed.

A planning pass needs every worker and every group a worker holds; reading them all on each
pass costs what the farm is, thousands of reads a pass at thousands of workers, with Redis
doing nothing else meanwhile. So the view loads everything once, a chunk per call, and then
each :meth:`SchedulerView.refresh` reads (``view.lua``) only what the change log names
after its cursor (each script that changes a group's or a worker's scheduling fields names
it there) and the workers whose heartbeat lapsed since the last look. It loads everything
again when the log was trimmed past its cursor, and every ``reload_s`` all the same (a
drift it cannot see, such as a log capped while no scheduler read it, lasts no longer).
Redis stays the store of record: the view is a cache, and the dispatch script checks again
everything a plan assumed.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from qgjob_schemas import GroupState, GroupView, Priority, Snapshot, WorkerView
from qgjob_store.store import Store

PENDING_PER_TARGET = 1000
"""Waiting groups a plan sees per target: the oldest (a plan fills at most the free lanes)."""
CHANGES_PER_CALL = 200
"""Log entries one call reads (a call's work stays bounded; the rest come on the next): a
call of 500 took 11 to 19 ms at its p99 in a drain of 5,000 workers."""
CALLS_PER_REFRESH = 100
"""Calls one refresh makes at most before planning with what it has."""
HELD = (GroupState.DISPATCHED, GroupState.RUNNING)


def _float(value: str) -> float | None:
    return float(value) if value else None


def group_view(row: Sequence[str]) -> GroupView | None:
    """A group row of ``view.lua``; None for no such group or one that ended."""
    (gid, target, org, app, prio, state, size, left, work, waiting, dispatched, worker) = row[:12]
    yielding, run_started, run_est = row[12:15]
    if state not in ("open", "dispatched", "running"):
        return None
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


class _Worker:
    """A worker as the view holds it: its groups, and whether it takes work now."""

    __slots__ = ("live", "view")

    def __init__(self, row: Sequence[Any]) -> None:
        wid, target, capacity, versions, held, live = row
        self.live = str(live) == "1"
        self.view = WorkerView(
            id=str(wid),
            target=str(target),
            capacity=int(str(capacity) or 1),
            versions=tuple(orjson.loads(str(versions) or "[]")),
            groups=tuple(str(g) for g in held),
        )


class SchedulerView:
    def __init__(
        self,
        store: Store,
        targets: Iterable[str],
        default_install_s: float = 60.0,
        reload_s: float = 300.0,
    ) -> None:
        self._s = store
        self.targets = tuple(targets)
        self.default_install_s = default_install_s
        self.reload_s = reload_s
        self._workers: dict[str, _Worker] = {}
        self._groups: dict[str, GroupView] = {}
        self._install: dict[str, float] = {}
        self._cursor = ""
        self._since = ""
        self._now = 0.0
        self._loaded = -float("inf")
        """When the last full load began (monotonic clock)."""
        self.changes = 0
        """Entities read again by the last refresh (what a pass cost grows with)."""

    async def refresh(self) -> bool:
        """Bring the view up to date; whether a group or a worker changed (not only the
        progress of running groups) since the last refresh."""
        if not self._cursor or time.monotonic() - self._loaded >= self.reload_s:
            await self._load()
            return True
        self.changes = 0
        structural = await self._follow()
        if structural is None:
            await self._load()
            return True
        return structural

    async def _follow(self) -> bool | None:
        """Read the log after the cursor, a bounded number of calls; None on a gap."""
        structural = False
        for _ in range(CALLS_PER_REFRESH):
            status, moved, self._cursor, self._since, _ = await self._call(
                self._cursor, self._since
            )
            structural = structural or moved
            if status == "gap":
                return None
            if status != "more":
                break
        return structural

    @property
    def any_groups(self) -> bool:
        """Whether a group waits or is held: with none, time alone changes no plan (no
        group ages, no estimate moves, nothing lingers)."""
        return bool(self._groups)

    @property
    def now(self) -> float:
        """The store's time at the last refresh."""
        return self._now

    def snapshot(self) -> Snapshot:
        """What a plan sees: the workers that take work, the groups every registered worker
        holds, and the oldest waiting groups with jobs left of each target."""
        workers = [w.view for w in self._workers.values() if w.live and w.view.target]
        held = [
            g
            for w in self._workers.values()
            for gid in w.view.groups
            if (g := self._groups.get(gid)) is not None and g.state in HELD
        ]
        open_by_target: dict[str, list[GroupView]] = {t: [] for t in self.targets}
        for g in self._groups.values():
            if g.state is GroupState.OPEN and g.left > 0 and g.target in open_by_target:
                open_by_target[g.target].append(g)
        waiting: list[GroupView] = []
        for mine in open_by_target.values():
            waiting += heapq.nsmallest(PENDING_PER_TARGET, mine, key=_waiting_order)
        return Snapshot(
            now=self._now,
            workers=tuple(w for w in workers if w.target in self.targets),
            groups=tuple(held + waiting),
            install_s=dict(self._install),
            default_install_s=self.default_install_s,
        )

    async def _load(self) -> None:
        """Everything again: the log's position first, then every worker of the targets and
        every waiting group a chunk per call, then the changes made meanwhile."""
        self._loaded = time.monotonic()
        self._workers.clear()
        self._groups.clear()
        self.changes = 0
        _, _, cursor, since, _ = await self._call("", "")
        for target in self.targets:
            position = "0"
            while position:
                *_, position = await self._call("", "", "workers", target, position)
        position = "0"
        while position:
            *_, position = await self._call("", "", "waiting", "", position)
        self._cursor, self._since = cursor, since
        if await self._follow() is None:
            self._cursor = ""  # trimmed past already: the next refresh loads again

    async def _call(
        self, cursor: str, since: str, load: str = "", target: str = "", position: str = ""
    ) -> tuple[str, bool, str, str, str]:
        """One ``view.lua`` call, its rows applied; (status, structural, cursor, seen
        until, where the load goes on)."""
        reply = await self._s.scripts.run(
            "view", cursor, since, CHANGES_PER_CALL, load, target, position
        )
        now, seen_until, new_cursor, status, workers, groups, installs, structural, go_on = reply
        self._now = float(now)
        for row in groups:
            view = group_view([str(x) for x in row[:15]])
            if view is None:
                self._groups.pop(str(row[0]), None)
            else:
                self._groups[view.id] = view
        for row in workers:
            w = _Worker(row)
            if w.view.target:
                self._workers[w.view.id] = w
            else:
                self._workers.pop(w.view.id, None)
        self._install = {str(t): float(s) for t, s in installs if s}
        self.changes += len(workers) + len(groups)
        return (
            str(status),
            str(structural) == "1",
            str(new_cursor),
            str(seen_until),
            str(go_on),
        )


def _waiting_order(g: GroupView) -> tuple[float, str]:
    """The waiting index's order: by the time it started waiting, then by id."""
    return (g.waiting_since, g.id)
