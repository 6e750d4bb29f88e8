"""The figures behind ``GET /v1/stats`` and the metrics: counters kept by the Lua scripts
(globally and per org), throughput per minute, queue waits, streams and workers."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from redis.exceptions import ResponseError

from qgjob_schemas import (
    DurationStats,
    JobStatus,
    QueueStats,
    Stats,
    StatsTimeline,
    Target,
    TimelinePoint,
    WorkerState,
)
from qgjob_store.keys import HOLDING_CONSUMER, SCHEDULER_GROUP, WORKER_GROUP
from qgjob_store.store import Store

LAG_COUNT_LIMIT = 10_000
"""Unread entries counted per stream at most (the figure saturates there)."""
THROUGHPUT_WINDOW_MIN = 5
TIMELINE_STATUSES = ("passed", "failed", "dead", "cancelled")


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of already sorted values (``None`` when there are none)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return round(sorted_values[rank - 1], 3)


class StatsStore:
    def __init__(self, store: Store) -> None:
        self._r = store.redis
        self._k = store.keys

    async def stats(self, org_id: str | None = None, *, operator: bool = True) -> Stats:
        """Figures of one org (``org_id``) or of every org; streams and workers only for an
        operator (they would tell an org about the others' load)."""
        counters = await self._counters(org_id)
        by_status = {s.value: 0 for s in JobStatus}
        by_target: dict[str, dict[str, int]] = {}
        finished: dict[str, dict[str, int]] = {}
        for field, value in counters.items():
            kind, _, rest = field.partition(":")
            target, _, status = rest.partition(":")
            if kind == "t":  # counters are per target and status; totals are their sums
                by_target.setdefault(target, {})[status] = int(value)
                by_status[status] = by_status.get(status, 0) + int(value)
            elif kind == "f":
                finished.setdefault(target, {})[status] = int(value)
        waits = await self.queue_waits(org_id)
        workers = await self.workers_by_target() if operator else None
        return Stats(
            org_id=org_id,
            jobs_by_status=by_status,
            jobs_by_target=by_target,
            installs_done=int(counters.get("installs_done", 0)),
            installs_saved=int(counters.get("installs_saved", 0)),
            groups_formed=int(counters.get("groups_formed", 0)),
            retries=int(counters.get("retries", 0)),
            dead_letters=int(counters.get("dead_letters", 0)),
            jobs_per_minute=await self.jobs_per_minute(org_id),
            queue_wait_p50_s=percentile(waits, 0.5),
            queue_wait_p95_s=percentile(waits, 0.95),
            queues=await self.queues() if operator else None,
            workers_by_state=None if workers is None else _by_state(workers),
            groups_split=int(counters.get("groups_split", 0)),
            preemptions=int(counters.get("preemptions", 0)),
            durations=await self.durations(org_id),
            jobs_finished_by_target=finished,
            workers_by_target=workers,
        )

    async def durations(self, org_id: str | None = None) -> DurationStats:
        """The learned install times and test durations (moving averages): of one org's
        runs (``org_id``), or of every org's."""
        k = self._k
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(k.dur_install_org(org_id) if org_id else k.dur_install())
            pipe.hgetall(k.dur_target_org(org_id) if org_id else k.dur_target())
            pipe.hlen(k.dur_test_org(org_id) if org_id else k.dur_test())
            installs, tests, known = await pipe.execute()
        return DurationStats(
            install_s={t: round(float(v), 3) for t, v in installs.items()},
            test_s={t: round(float(v), 3) for t, v in tests.items()},
            tests_known=int(known),
        )

    async def _counters(self, org_id: str | None) -> dict[str, str]:
        key = self._k.stats_org(org_id) if org_id else self._k.stats()
        counters: dict[str, str] = await self._r.hgetall(key)  # type: ignore[assignment]
        return counters

    async def jobs_per_minute(self, org_id: str | None = None) -> float:
        """Jobs that reached a terminal status in the last five minutes, per minute."""
        minute = int(time.time() // 60)
        field = f"o:{org_id}" if org_id else "all"
        async with self._r.pipeline(transaction=False) as pipe:
            for m in range(minute - THROUGHPUT_WINDOW_MIN + 1, minute + 1):
                pipe.hget(self._k.throughput(m), field)
            counts: list[str | None] = await pipe.execute()
        return round(sum(int(c or 0) for c in counts) / THROUGHPUT_WINDOW_MIN, 2)

    async def timeline(self, org_id: str | None = None, minutes: int = 30) -> StatsTimeline:
        """Jobs that reached a terminal status per minute, by status, for the last
        ``minutes`` minutes (the current one last). The buckets live an hour."""
        minute = int(time.time() // 60)
        first = minute - minutes + 1
        fields = (
            [f"o:{org_id}", *(f"os:{s}:{org_id}" for s in TIMELINE_STATUSES)]
            if org_id
            else ["all", *(f"s:{s}" for s in TIMELINE_STATUSES)]
        )
        async with self._r.pipeline(transaction=False) as pipe:
            for m in range(first, minute + 1):
                pipe.hmget(self._k.throughput(m), fields)
            rows: list[list[str | None]] = await pipe.execute()
        points = []
        for m, row in zip(range(first, minute + 1), rows, strict=True):
            finished, passed, failed, dead, cancelled = (int(v or 0) for v in row)
            points.append(
                TimelinePoint(
                    at=datetime.fromtimestamp(m * 60, tz=UTC),
                    finished=finished,
                    passed=passed,
                    failed=failed,
                    dead=dead,
                    cancelled=cancelled,
                )
            )
        return StatsTimeline(org_id=org_id, points=points)

    async def queue_waits(self, org_id: str | None = None) -> list[float]:
        """The latest queue waits (submit → first run) in seconds, sorted."""
        raw: list[str] = await self._r.lrange(self._k.waits(org_id), 0, -1)  # type: ignore[assignment]
        return sorted(float(v) for v in raw)

    async def queues(self) -> dict[str, QueueStats]:
        """The jobs stream (schedulers), and per target its assignment stream: every group
        of the target not done has one entry pending there (``pending``), under the holding
        consumer while it waits for a free worker (``waiting_groups``), under a worker's id
        while that worker holds it: the count KEDA's ``redis-streams`` scaler reads."""
        out = {"jobs": await self.queue(self._k.jobs_stream(), SCHEDULER_GROUP)}
        for target in Target:
            stream = self._k.assign(target.value)
            queue = await self.queue(stream, WORKER_GROUP)
            if queue.pending:
                summary = await self._r.xpending(stream, WORKER_GROUP)
                waiting = {c["name"]: int(c["pending"]) for c in summary["consumers"]}
                queue.waiting_groups = waiting.get(HOLDING_CONSUMER, 0)
            out[target.value] = queue
        return out

    async def queue(self, stream: str, group: str) -> QueueStats:
        """Lag counted from the group's last delivered id (``XINFO``'s own ``lag`` is not
        reliable after a restart), pending from ``XPENDING``."""
        try:
            groups = await self._r.xinfo_groups(stream)
        except ResponseError:  # no such stream yet
            return QueueStats(depth=0, lag=0, pending=0)
        info = next((g for g in groups if g["name"] == group), None)
        if info is None:
            length = int(await self._r.xlen(stream))
            return QueueStats(depth=length, lag=length, pending=0)
        last = info["last-delivered-id"]
        unread = await self._r.xrange(stream, f"({last}", "+", count=LAG_COUNT_LIMIT)
        pending = int(info["pending"])
        lag = len(unread or [])
        return QueueStats(depth=lag + pending, lag=lag, pending=pending)

    async def workers_by_state(self) -> dict[str, int]:
        """Registered workers by their last reported state; ``lost`` when the heartbeat is
        gone."""
        return _by_state(await self.workers_by_target())

    async def workers_by_target(self) -> dict[str, dict[str, int]]:
        """Registered workers per target (every target listed) and state, as
        :meth:`workers_by_state` counts them."""
        ids: set[str] = await self._r.smembers(self._k.workers())  # type: ignore[assignment]
        ordered = sorted(ids)
        async with self._r.pipeline(transaction=False) as pipe:
            for wid in ordered:
                pipe.hmget(self._k.worker(wid), ["target", "state"])
                pipe.exists(self._k.heartbeat(wid))
            replies = await pipe.execute()
        out = {t.value: {s.value: 0 for s in WorkerState} for t in Target}
        for (target, state), alive in zip(replies[::2], replies[1::2], strict=True):
            counts = out.setdefault(target or "unknown", {s.value: 0 for s in WorkerState})
            key = state if alive and state in counts else WorkerState.LOST.value
            counts[key] += 1
        return out


def _by_state(per_target: dict[str, dict[str, int]]) -> dict[str, int]:
    out = {s.value: 0 for s in WorkerState}
    for states in per_target.values():
        for state, n in states.items():
            out[state] += n
    return out
