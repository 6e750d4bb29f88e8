"""Job records: submit, read, list, cancel, requeue, and the counters behind stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import orjson

from qgjob_redis.codec import dead_letter_from_entry, job_from_hash, ts
from qgjob_redis.ids import new_id
from qgjob_redis.store import Store
from qgjob_schemas import DeadLetter, DurationStats, Job, JobPage, JobPayload, JobStatus, Stats

LIST_SCAN_LIMIT = 5000
"""Index entries one list call looks at before it returns a page (maybe short) and a cursor."""


def _required(value: datetime | None) -> datetime:
    if value is None:
        raise ValueError("the store returned no time")
    return value


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    REQUESTED = "requested"
    CONFLICT = "conflict"
    MISSING = "missing"


class RequeueOutcome(StrEnum):
    REQUEUED = "requeued"
    CONFLICT = "conflict"
    MISSING = "missing"


@dataclass(frozen=True)
class NewJob:
    """A validated payload with the id and attempt budget the server gave it."""

    id: str
    payload: JobPayload
    max_attempts: int

    def fields(self) -> list[str | int]:
        p = self.payload
        return [
            "org_id",
            p.org_id,
            "app_version_id",
            p.app_version_id,
            "test_path",
            p.test_path,
            "priority",
            p.priority.value,
            "target",
            p.target.value,
            "max_attempts",
            self.max_attempts,
            "flaky_retries",
            p.flaky_retries,
        ]


class JobStore:
    def __init__(self, store: Store) -> None:
        self._s = store
        self._r = store.redis
        self._k = store.keys

    def prepare(self, payload: JobPayload, default_max_attempts: int) -> NewJob:
        return NewJob(new_id(), payload, payload.max_attempts or default_max_attempts)

    async def submit(self, jobs: Sequence[NewJob]) -> list[Job]:
        """Store the jobs and append them to the jobs stream in one script call."""
        if not jobs:
            return []
        body = [
            {
                "id": j.id,
                "org_id": j.payload.org_id,
                "target": j.payload.target.value,
                "fields": j.fields(),
            }
            for j in jobs
        ]
        reply = await self._s.scripts.run("submit", orjson.dumps(body).decode())
        now = _required(ts(reply[0]))
        out: list[Job] = []
        for job, created in zip(jobs, reply[1:], strict=True):
            if int(created):
                p = job.payload
                out.append(
                    Job(
                        id=job.id,
                        status=JobStatus.QUEUED,
                        max_attempts=job.max_attempts,
                        created_at=now,
                        updated_at=now,
                        **p.model_dump(exclude={"max_attempts"}),
                    )
                )
            else:
                existing = await self.get(job.id)
                if existing is not None:
                    out.append(existing)
        return out

    async def get(self, job_id: str) -> Job | None:
        h: dict[str, str] = await self._r.hgetall(self._k.job(job_id))  # type: ignore[assignment]
        return job_from_hash(h) if h else None

    async def page(
        self,
        *,
        org_id: str | None = None,
        status: JobStatus | None = None,
        app_version_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """Jobs newest first. The index holds ids, which sort by creation time."""
        index = self._k.idx_org(org_id) if org_id else self._k.idx_all()
        upper = f"({cursor}" if cursor else "+"
        items: list[Job] = []
        scanned = 0
        last: str | None = None
        while len(items) < limit and scanned < LIST_SCAN_LIMIT:
            chunk = min(max(limit * 2, 50), LIST_SCAN_LIMIT - scanned)
            ids: list[str] = await self._r.execute_command(  # type: ignore[no-untyped-call]
                "ZRANGE", index, upper, "-", "BYLEX", "REV", "LIMIT", 0, chunk
            )
            if not ids:
                return JobPage(items=items, next_cursor=None)
            async with self._r.pipeline(transaction=False) as pipe:
                for jid in ids:
                    pipe.hgetall(self._k.job(jid))
                hashes: list[dict[str, str]] = await pipe.execute()
            gone = [jid for jid, h in zip(ids, hashes, strict=True) if not h]
            if gone:
                await self._r.zrem(index, *gone)
            for jid, h in zip(ids, hashes, strict=True):
                scanned += 1
                last = jid
                if not h or (status and h["status"] != status.value):
                    continue
                if app_version_id and h["app_version_id"] != app_version_id:
                    continue
                items.append(job_from_hash(h))
                if len(items) == limit:
                    break
            upper = f"({last}"
            if len(ids) < chunk and last == ids[-1]:
                return JobPage(items=items, next_cursor=None)
        return JobPage(items=items, next_cursor=last)

    async def cancel(self, job_id: str) -> CancelOutcome:
        outcome, _ = await self._s.scripts.run("cancel", job_id)
        return CancelOutcome(outcome)

    async def requeue(self, job_id: str) -> RequeueOutcome:
        outcome, _ = await self._s.scripts.run("requeue", job_id)
        return RequeueOutcome(outcome)

    async def durations(self) -> DurationStats:
        """The learned install times and test durations (moving averages)."""
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._k.dur_install())
            pipe.hgetall(self._k.dur_target())
            pipe.hlen(self._k.dur_test())
            installs, tests, known = await pipe.execute()
        return DurationStats(
            install_s={t: round(float(v), 3) for t, v in installs.items()},
            test_s={t: round(float(v), 3) for t, v in tests.items()},
            tests_known=int(known),
        )

    async def stats(self) -> Stats:
        raw: dict[str, str] = await self._r.hgetall(self._k.stats())  # type: ignore[assignment]
        by_status = {s.value: 0 for s in JobStatus}
        by_target: dict[str, dict[str, int]] = {}
        for field, value in raw.items():
            kind, _, rest = field.partition(":")
            if kind == "s":
                by_status[rest] = int(value)
            elif kind == "t":
                target, _, status = rest.partition(":")
                by_target.setdefault(target, {})[status] = int(value)
        return Stats(
            jobs_by_status=by_status,
            jobs_by_target=by_target,
            installs_done=int(raw.get("installs_done", 0)),
            installs_saved=int(raw.get("installs_saved", 0)),
            groups_formed=int(raw.get("groups_formed", 0)),
            retries=int(raw.get("retries", 0)),
            dead_letters=int(raw.get("dead_letters", 0)),
            groups_split=int(raw.get("groups_split", 0)),
            preemptions=int(raw.get("preemptions", 0)),
            durations=await self.durations(),
        )

    async def dead_letters(
        self, *, org_id: str | None = None, limit: int = 50, before: str | None = None
    ) -> list[DeadLetter]:
        """Dead letters newest first, optionally of one org."""
        upper = f"({before}" if before else "+"
        out: list[DeadLetter] = []
        while len(out) < limit:
            entries: list[tuple[str, dict[str, str]]] = await self._r.xrevrange(  # type: ignore[assignment]
                self._k.dead(), upper, "-", count=limit * 2
            )
            if not entries:
                break
            for entry_id, fields in entries:
                if org_id is None or fields.get("org") == org_id:
                    out.append(dead_letter_from_entry(entry_id, fields))
                    if len(out) == limit:
                        break
            upper = f"({entries[-1][0]}"
        return out
