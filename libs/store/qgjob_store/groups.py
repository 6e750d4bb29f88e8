"""Reading groups: a page of them per org (the ``join`` script indexes each new group by its
sequence number), and one group with its jobs, workers and timings."""

from __future__ import annotations

from qgjob_schemas import GroupDetail, GroupJob, GroupPage, GroupState, JobGroup, JobStatus
from qgjob_store.codec import group_from_hash, ts
from qgjob_store.store import Store

SCAN_LIMIT = 2000
"""Index entries one page call looks at before it returns (maybe short) with a cursor."""
_JOB_FIELDS = ("id", "test_path", "status", "worker_id", "attempts", "started_at", "finished_at")


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return round(max(0.0, float(end) - float(start)), 3)


class GroupStore:
    def __init__(self, store: Store) -> None:
        self._r = store.redis
        self._k = store.keys

    async def page(
        self,
        *,
        org_id: str | None = None,
        app_version_id: str | None = None,
        target: str | None = None,
        state: GroupState | None = None,
        limit: int = 50,
        cursor: int | None = None,
    ) -> GroupPage:
        """Groups newest first; groups whose record expired drop out of the index."""
        index = self._k.groups_index(org_id)
        upper = f"({cursor}" if cursor is not None else "+inf"
        items: list[JobGroup] = []
        scanned = 0
        while len(items) < limit and scanned < SCAN_LIMIT:
            chunk = min(max(limit * 2, 50), SCAN_LIMIT - scanned)
            rows: list[tuple[str, float]] = await self._r.zrange(  # type: ignore[assignment]
                index, upper, "-inf", byscore=True, desc=True, offset=0, num=chunk, withscores=True
            )
            if not rows:
                return GroupPage(items=items)
            async with self._r.pipeline(transaction=False) as pipe:
                for gid, _ in rows:
                    pipe.hgetall(self._k.group(gid))
                hashes: list[dict[str, str]] = await pipe.execute()
            gone = [gid for (gid, _), h in zip(rows, hashes, strict=True) if not h]
            if gone:
                await self._r.zrem(index, *gone)
            for (_, seq), h in zip(rows, hashes, strict=True):
                scanned += 1
                upper = f"({int(seq)}"
                if not h or (app_version_id and h["app_version_id"] != app_version_id):
                    continue
                if (target and h["target"] != target) or (state and h["state"] != state.value):
                    continue
                items.append(group_from_hash(h))
                if len(items) == limit:
                    break
            if len(rows) < chunk and len(items) < limit:
                return GroupPage(items=items)
        return GroupPage(items=items, next_cursor=upper.lstrip("("))

    async def get(self, group_id: str) -> GroupDetail | None:
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._k.group(group_id))
            pipe.lrange(self._k.group_jobs(group_id), 0, -1)
            h, job_ids = await pipe.execute()
        if not h:
            return None
        async with self._r.pipeline(transaction=False) as pipe:
            for jid in job_ids:
                pipe.hmget(self._k.job(jid), list(_JOB_FIELDS))
            rows: list[list[str | None]] = await pipe.execute()
        jobs = [_group_job(row) for row in rows if row[0]]
        workers = sorted({j.worker_id for j in jobs if j.worker_id} | _current(h))
        base = group_from_hash(h, job_ids).model_dump()
        return GroupDetail(
            **base,
            jobs=jobs,
            workers=workers,
            wait_s=_seconds(h.get("created_at"), h.get("started_at")),
            run_s=_seconds(h.get("started_at"), h.get("finished_at")),
        )


def _current(h: dict[str, str]) -> set[str]:
    return {h["worker_id"]} if h.get("worker_id") else set()


def _group_job(row: list[str | None]) -> GroupJob:
    jid, path, status, worker, attempts, started, finished = row
    return GroupJob(
        id=str(jid),
        test_path=path or "",
        status=JobStatus(status or "queued"),
        worker_id=worker or None,
        attempts=int(attempts or 0),
        started_at=ts(started),
        finished_at=ts(finished),
    )
