"""Suites: many jobs of one app version created in batches (one script call per batch, the
last one storing them all), with per-suite status counters kept by the Lua ``count()``
helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from qgjob_schemas import (
    TERMINAL_STATUSES,
    JobPayload,
    JobStatus,
    Suite,
    SuiteCancellation,
    SuitePayload,
    Target,
)
from qgjob_store.codec import ts
from qgjob_store.jobs import CancelOutcome, JobStore, NewJob, SuiteRecord
from qgjob_store.store import Store

SUBMIT_BATCH = 1000
"""Jobs stored per script call: a suite of 5,000 jobs is five round trips."""
CANCEL_BATCH = 1000
"""Jobs cancelled per script call."""


def _payloads(org_id: str, suite: SuitePayload) -> list[JobPayload]:
    # each field was validated as part of the suite: the payloads are put together as is
    return [
        JobPayload.model_construct(
            org_id=org_id,
            app_version_id=suite.app_version_id,
            test_path=test,
            target=target,
            priority=suite.priority,
            max_attempts=suite.max_attempts,
            flaky_retries=suite.flaky_retries,
        )
        for test in suite.tests
        for target in suite.targets
    ]


def suite_from(h: dict[str, str], counts: dict[str, str], job_ids: list[str]) -> Suite:
    by_status = {JobStatus(s): int(n) for s, n in counts.items() if int(n) > 0}
    total = int(h.get("total") or 0)
    done = sum(n for s, n in by_status.items() if s in TERMINAL_STATUSES)
    finished = total > 0 and done >= total
    return Suite(
        id=h["id"],
        org_id=h["org_id"],
        app_version_id=h["app_version_id"],
        name=h.get("name", ""),
        targets=[Target(t) for t in h.get("targets", "").split(",") if t],
        total=total,
        created_at=ts(h["created_at"]) or datetime.now(UTC),
        counts=by_status,
        finished=finished,
        passed=finished and by_status.get(JobStatus.PASSED, 0) == total,
        job_ids=job_ids,
    )


class SuiteStore:
    def __init__(self, store: Store) -> None:
        self._r = store.redis
        self._k = store.keys
        self.jobs = JobStore(store)

    async def create(
        self,
        suite_id: str,
        org_id: str,
        payload: SuitePayload,
        *,
        default_max_attempts: int,
        job_id: Callable[[int], str],
        max_unfinished: int = 0,
        traceparent: str = "",
    ) -> Suite:
        """Store the suite and its jobs (``job_id(i)`` names the i-th), whole or not at all:
        batches of :data:`SUBMIT_BATCH` are staged, and the last call stores them together.
        The cap on unfinished jobs is checked for the whole suite then; nothing is written
        when the suite does not fit (:class:`qgjob_store.jobs.QuotaExceededError`)."""
        new: list[NewJob] = [
            self.jobs.prepare(
                p,
                default_max_attempts,
                job_id=job_id(i),
                suite_id=suite_id,
                traceparent=traceparent,
            )
            for i, p in enumerate(_payloads(org_id, payload))
        ]
        record = SuiteRecord(
            suite_id,
            [
                "org_id",
                org_id,
                "app_version_id",
                payload.app_version_id,
                "name",
                payload.name,
                "targets",
                ",".join(t.value for t in payload.targets),
                "total",
                len(new),
            ],
        )
        batches = [new[i : i + SUBMIT_BATCH] for i in range(0, len(new), SUBMIT_BATCH)]
        # every batch but the last is staged; the last call stores them all at once, so a
        # failure between calls leaves no suite at all (the staging expires)
        for n, batch in enumerate(batches[:-1], 1):
            await self.jobs.store(batch, suite=record, batch=f"stage:{n}")
        await self.jobs.store(
            batches[-1],
            max_unfinished=max_unfinished,
            suite=record,
            batch=f"publish:{len(batches)}" if len(batches) > 1 else "",
        )
        suite = await self.get(suite_id)
        if suite is None:
            raise RuntimeError(f"suite {suite_id} vanished right after it was stored")
        return suite

    async def get(self, suite_id: str, *, with_jobs: bool = True) -> Suite | None:
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._k.suite(suite_id))
            pipe.hgetall(self._k.suite_counts(suite_id))
            if with_jobs:
                pipe.lrange(self._k.suite_jobs(suite_id), 0, -1)
            replies = await pipe.execute()
        h, counts = replies[0], replies[1]
        if not h:
            return None
        return suite_from(h, counts, replies[2] if with_jobs else [])

    async def cancel(self, suite_id: str) -> SuiteCancellation | None:
        """Cancel every unfinished job of the suite (``None``: no such suite). Safe to
        repeat: finished jobs are counted, not touched."""
        job_ids = [str(j) for j in await self._r.lrange(self._k.suite_jobs(suite_id), 0, -1)]
        outcomes: list[CancelOutcome] = []
        for start in range(0, len(job_ids), CANCEL_BATCH):
            outcomes += await self.jobs.cancel_many(job_ids[start : start + CANCEL_BATCH])
        suite = await self.get(suite_id)
        if suite is None:
            return None
        return SuiteCancellation(
            suite=suite,
            cancelled=outcomes.count(CancelOutcome.CANCELLED),
            stopping=outcomes.count(CancelOutcome.REQUESTED),
            already_finished=outcomes.count(CancelOutcome.CONFLICT),
        )
