"""Job records: submit, read, list, cancel, requeue, and the counters behind stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from redis.exceptions import ConnectionError as RedisConnectionError

from qgjob_schemas import DeadLetter, Job, JobPage, JobPayload, JobStatus, Stats
from qgjob_store.codec import job_from_hash, ts
from qgjob_store.dead_letters import DeadLetterStore
from qgjob_store.ids import new_id
from qgjob_store.stats import StatsStore
from qgjob_store.store import Store

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


class QuotaExceededError(Exception):
    """The org already has as many unfinished jobs as it may; nothing was written."""

    def __init__(self, unfinished: int, cap: int) -> None:
        super().__init__(f"{unfinished} unfinished jobs; at most {cap} allowed")
        self.unfinished, self.cap = unfinished, cap


class StagingLostError(RedisConnectionError):
    """A staged batch of a suite was gone when the suite was published (the store restarted
    and lost it, or it expired): nothing was stored; submitting again stores it whole."""


@dataclass(frozen=True)
class NewJob:
    """A validated payload (its ``org_id`` resolved) with the id and attempt budget the server
    gave it, and the suite it belongs to if any."""

    id: str
    payload: JobPayload
    max_attempts: int
    suite_id: str | None = None
    traceparent: str = ""
    """The W3C trace context the job's spans continue (the submitting request's); ''
    without tracing."""

    @property
    def org_id(self) -> str:
        if not self.payload.org_id:
            raise ValueError("a job needs its org_id resolved before it is stored")
        return self.payload.org_id

    def fields(self) -> list[str | int]:
        p = self.payload
        out: list[str | int] = [
            "org_id",
            self.org_id,
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
            "app_url",
            str(p.app_url) if p.app_url else "",
        ]
        if self.suite_id:
            out += ["suite_id", self.suite_id]
        if self.traceparent:
            out += ["traceparent", self.traceparent]
        return out


@dataclass(frozen=True)
class SuiteRecord:
    """A suite's own fields, stored with its first batch of jobs."""

    id: str
    fields: list[str | int]


class JobStore:
    def __init__(self, store: Store) -> None:
        self._s = store
        self._r = store.redis
        self._k = store.keys

    def prepare(
        self,
        payload: JobPayload,
        default_max_attempts: int,
        *,
        job_id: str | None = None,
        suite_id: str | None = None,
        traceparent: str = "",
    ) -> NewJob:
        return NewJob(
            job_id or new_id(),
            payload,
            payload.max_attempts or default_max_attempts,
            suite_id,
            traceparent,
        )

    async def submit(
        self,
        jobs: Sequence[NewJob],
        *,
        max_unfinished: int = 0,
        reserve: int = 0,
        suite: SuiteRecord | None = None,
    ) -> list[Job]:
        """Store the jobs (all of one org) and append them to the jobs stream in one script
        call. With ``max_unfinished`` > 0, refuse (:class:`QuotaExceededError`) when the org's
        unfinished jobs plus ``reserve`` (default: the new jobs) would pass it. Returns the
        jobs as stored (a job id stored before answers with that earlier job)."""
        if not jobs:
            return []
        now, created = await self.store(
            jobs, max_unfinished=max_unfinished, reserve=reserve, suite=suite
        )
        out: list[Job] = []
        for job, new in zip(jobs, created, strict=True):
            if new:
                p = job.payload
                out.append(
                    Job(
                        id=job.id,
                        status=JobStatus.QUEUED,
                        max_attempts=job.max_attempts,
                        created_at=now,
                        updated_at=now,
                        app_url=str(p.app_url) if p.app_url else None,
                        suite_id=job.suite_id,
                        **p.model_dump(exclude={"max_attempts", "app_url"}),
                    )
                )
            else:
                existing = await self.get(job.id)
                if existing is not None:
                    out.append(existing)
        return out

    async def store(
        self,
        jobs: Sequence[NewJob],
        *,
        max_unfinished: int = 0,
        reserve: int = 0,
        suite: SuiteRecord | None = None,
        batch: str = "",
    ) -> tuple[datetime, list[bool]]:
        """:meth:`submit` without building the stored jobs back: the store's time and, per
        job, whether it was created (False: its id was stored before). ``batch`` stages the
        jobs as batch n of ``suite`` (``stage:<n>``, nothing is stored yet: the reply lists
        no job) or stores them with the batches staged before (``publish:<n>``); see
        ``submit.lua``."""
        body = [
            {
                "id": j.id,
                "org_id": j.org_id,
                "target": j.payload.target.value,
                "suite_id": j.suite_id or "",
                "fields": j.fields(),
            }
            for j in jobs
        ]
        suite_arg = {"id": suite.id, "fields": suite.fields} if suite else ""
        # the client is told the jobs are accepted: with WAIT configured, a replica has them;
        # the list and the suite go packed (the KEYS of the jobs are read from them)
        reply = await self._s.run_acknowledged(
            "submit", body, max_unfinished, reserve, suite_arg, batch
        )
        if reply[0] == "quota":
            raise QuotaExceededError(int(reply[1]), max_unfinished)
        if reply[0] == "incomplete":
            raise StagingLostError(f"batch {reply[1]} of suite {suite and suite.id} is gone")
        now = _required(ts(reply[1]))
        return now, [bool(int(c)) for c in reply[2:]]

    async def get(self, job_id: str) -> Job | None:
        h: dict[str, str] = await self._r.hgetall(self._k.job(job_id))  # type: ignore[assignment]
        return job_from_hash(h) if h else None

    async def page(
        self,
        *,
        org_id: str | None = None,
        status: JobStatus | None = None,
        app_version_id: str | None = None,
        target: str | None = None,
        suite_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """Jobs newest first. The index holds ids, which sort by creation time."""
        wanted = {
            "status": status.value if status else None,
            "app_version_id": app_version_id,
            "target": target,
            "suite_id": suite_id,
        }
        filters = {field: value for field, value in wanted.items() if value is not None}
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
                if not h or any(h.get(f) != v for f, v in filters.items()):
                    continue
                items.append(job_from_hash(h))
                if len(items) == limit:
                    break
            upper = f"({last}"
            if len(ids) < chunk and last == ids[-1]:
                return JobPage(items=items, next_cursor=None)
        return JobPage(items=items, next_cursor=last)

    async def log(self, job_id: str) -> str:
        """What the driver captured for the job ('' when nothing yet)."""
        text: str | None = await self._r.get(self._k.job_log(job_id))  # type: ignore[assignment]
        return text or ""

    async def cancel(self, job_id: str) -> CancelOutcome:
        (outcome,) = await self.cancel_many([job_id])
        return outcome

    async def cancel_many(self, job_ids: list[str]) -> list[CancelOutcome]:
        """Cancel these jobs in one script call; each one's outcome, in order."""
        if not job_ids:
            return []
        reply = await self._s.scripts.run("cancel", *job_ids)
        return [CancelOutcome(outcome) for outcome in reply[::2]]

    async def requeue(self, job_id: str) -> RequeueOutcome:
        outcome, _ = await self._s.scripts.run("requeue", job_id)
        return RequeueOutcome(outcome)

    async def stats(self, org_id: str | None = None) -> Stats:
        """The counters (see :class:`qgjob_store.stats.StatsStore` for every figure)."""
        return await StatsStore(self._s).stats(org_id)

    async def dead_letters(
        self, *, org_id: str | None = None, limit: int = 50, before: str | None = None
    ) -> list[DeadLetter]:
        """Current dead letters newest first, optionally of one org (read from the org's own
        stream: another org's dead letters cost nothing)."""
        return await DeadLetterStore(self._s).page(org_id=org_id, limit=limit, before=before)
