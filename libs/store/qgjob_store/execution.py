"""A worker's state changes, each fenced by the epoch of the group it holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from qgjob_schemas import JobResult, Outcome, RunJob, health_detail
from qgjob_store.assignments import AssignmentReader
from qgjob_store.consumer import Entry
from qgjob_store.fastpath import ScriptLine
from qgjob_store.store import Store

Arg = str | int | float | dict[str, Any]
"""A script argument: a dict goes packed (its JSON)."""


@dataclass
class Lease:
    """A group this worker holds, and the epoch that fences its writes."""

    group_id: str
    epoch: str
    entry_id: str
    app_version_id: str
    org_id: str
    jobs: list[RunJob]
    seen: int = 0
    lost: bool = False
    cancel_requested: set[str] = field(default_factory=set)
    yield_requested: bool = False
    """The scheduler wants this worker's lane back after the running test."""

    def held(self) -> bool:
        """Whether this worker still holds the group (no other took it over)."""
        return not self.lost


@dataclass(frozen=True)
class Started:
    ok: bool
    attempt: int = 0
    status: str = ""


@dataclass(frozen=True)
class Finished:
    status: str | None
    """The job's new status; ``None`` when the write was fenced (the lease is lost)."""
    next: Started | None = None
    """How starting the next job went, when one was asked for."""


class WorkerStore:
    def __init__(
        self,
        store: Store,
        worker_id: str,
        target: str,
        *,
        duration_alpha: float = 0.3,
        hot_path: bool = True,
    ) -> None:
        self._s = store
        self.worker_id = worker_id
        self.target = target
        self.duration_alpha = duration_alpha
        self._line = ScriptLine(store) if hot_path and not store.embedded else None
        """The scripts of running a group (acquire, install, start, finish) go over a
        connection of their own; without ``hot_path`` through the client (which tracing
        instruments)."""

    def reader(self, store: Store, *, block_ms: int, max_deliveries: int = 0) -> AssignmentReader:
        """A reader of what this worker holds in its target's assignment stream, on
        ``store`` (a client for blocking reads). Entries taken up ``max_deliveries`` times
        without being handled are dead-lettered."""
        return AssignmentReader(
            store.redis,
            self._s.keys.assign(self.target),
            self.worker_id,
            self._s.keys.worker_wake(self.worker_id),
            block_ms=block_ms,
            max_deliveries=max_deliveries,
            on_poison=self.discard_poison,
        )

    async def discard_poison(self, entries: list[tuple[Entry, int]]) -> set[str]:
        """Dead-letter assignments taken up too often (the group, if still this worker's,
        goes back to wait for the scheduler); returns their ids."""
        if not entries:
            return set()
        args: list[str | int] = ["assign", self.worker_id, self.target]
        for (entry_id, fields), times in entries:
            args += [entry_id, fields.get("group", ""), times]
        await self._s.scripts.run("poison", *args)
        return {entry_id for (entry_id, _), _ in entries}

    async def _run(self, name: str, *args: Arg) -> list:  # type: ignore[type-arg]
        reply: list = await self._s.scripts.run(name, *args)  # type: ignore[type-arg]
        return reply

    async def _run_hot(self, name: str, *args: Arg) -> list:  # type: ignore[type-arg]
        if self._line is None:
            return await self._run(name, *args)
        reply: list = await self._line.run(name, *args)  # type: ignore[type-arg]
        return reply

    async def aclose(self) -> None:
        if self._line is not None:
            await self._line.close()

    async def acquire(self, entry: Entry) -> Lease | None:
        entry_id, fields = entry
        group_id = fields.get("group", "")
        # the token tells a retried call (answered as the first) from a new acquire
        reply = await self._run_hot(
            "acquire", group_id, self.worker_id, entry_id, uuid.uuid4().hex, self.target
        )
        if int(reply[0]) == 0:
            return None
        _, epoch, app, org, count, jobs = reply
        return Lease(
            group_id=group_id,
            epoch=str(epoch),
            entry_id=entry_id,
            app_version_id=app,
            org_id=org,
            jobs=[RunJob.from_pairs(j) for j in jobs],
            seen=int(count),
        )

    async def renew(self, lease: Lease) -> bool:
        """Renew the lease; ``False`` when another worker took the group over."""
        reply = await self._run(
            "renew", lease.group_id, lease.epoch, self.worker_id, lease.entry_id
        )
        if int(reply[0]) == 0:
            lease.lost = True
            return False
        lease.cancel_requested = set(reply[1])
        return True

    async def start(self, lease: Lease, job_id: str) -> Started:
        return self._started(
            lease,
            await self._run_hot("start", lease.group_id, lease.epoch, job_id, self.worker_id),
        )

    @staticmethod
    def _started(lease: Lease, reply: list[str]) -> Started:
        if reply[0] == "ok":
            return Started(ok=True, attempt=int(reply[1]), status="running")
        if reply[0] == "fenced":
            lease.lost = True
        return Started(ok=False, status=reply[1] if len(reply) > 1 else "fenced")

    async def finish(
        self, lease: Lease, job_id: str, result: JobResult, *, backoff_s: float = 0.0
    ) -> str | None:
        """Store the result; returns the job's new status, or ``None`` when fenced."""
        return (await self.step(lease, job_id, result, backoff_s=backoff_s)).status

    async def step(
        self,
        lease: Lease,
        job_id: str,
        result: JobResult,
        *,
        backoff_s: float = 0.0,
        log: str = "",
        log_max_bytes: int = 1 << 20,
        next_job: str | None = None,
    ) -> Finished:
        """Store the result, append ``log`` to the job's log and start ``next_job``, in one
        round trip (the next job is not started when the scheduler wants the lane back:
        then ``lease.yield_requested`` is set)."""
        options = {
            "group": lease.group_id,
            "epoch": lease.epoch,
            "job": job_id,
            "worker": self.worker_id,
            "outcome": result.outcome.value,
            "error": result.message if result.outcome is Outcome.ERROR else "",
            "backoff": backoff_s,
            "final": not result.retryable,
            "alpha": self.duration_alpha,
            "log_bytes": log_max_bytes,
            "next": next_job or "",
        }
        reply = await self._run_hot(
            "finish", options, result.model_dump_json(), result.log_tail, log
        )
        if reply[0] != "ok":
            lease.lost = True
            return Finished(status=None)
        lease.yield_requested = reply[2] == "1"
        started = self._started(lease, reply[3]) if reply[3] else None
        return Finished(status=str(reply[1]), next=started)

    async def close(self, lease: Lease) -> list[RunJob] | None:
        """Finish the group, or get the jobs that joined it since (``None`` once done)."""
        reply = await self._run(
            "close",
            lease.group_id,
            lease.epoch,
            self.worker_id,
            lease.entry_id,
            lease.seen,
        )
        if reply[0] == "more":
            lease.seen = int(reply[1])
            return [RunJob.from_pairs(j) for j in reply[2]]
        if reply[0] == "fenced":
            lease.lost = True
        return None

    async def release(self, lease: Lease, *, reason: str = "drain") -> bool:
        """Hand the rest of the group back at once: when draining (``drain``), when the
        scheduler asked for the lane (``yield``), or after a worker error (``error``; or
        ``unrecorded`` when the error could not be charged to the jobs: a strike)."""
        reply = await self._s.scripts.run(
            "release", lease.group_id, lease.epoch, self.worker_id, lease.entry_id, reason
        )
        lease.lost = True
        return bool(int(reply))

    async def record_install(
        self, lease: Lease, *, installed: bool, seconds: float, versions: list[str]
    ) -> None:
        """Count the install (done or saved), learn its time, note the worker's versions."""
        options = {
            "group": lease.group_id,
            "epoch": lease.epoch,
            "installed": "1" if installed else "0",
            "seconds": str(round(seconds, 3)),  # stored as it is: text, as a float prints
            "alpha": self.duration_alpha,
            "worker": self.worker_id,
            "versions": orjson.dumps(versions).decode(),
        }
        await self._run_hot("installed", options)

    async def heartbeat(
        self,
        state: str,
        *,
        ttl_ms: int,
        capacity: int = 1,
        versions: list[str] | None = None,
        lease_ms: int = 30000,
        detail: str = "",
    ) -> None:
        """Record the worker's state; ``detail`` says why when it is ``unhealthy`` (kept as
        one bounded line, dropped in any other state)."""
        options = {
            "worker": self.worker_id,
            "target": self.target,
            "state": state,
            "ttl_ms": ttl_ms,
            "capacity": capacity,
            "versions": orjson.dumps(versions or []).decode(),
            "lease_ms": lease_ms,
            "detail": health_detail(detail),
        }
        await self._s.scripts.run("heartbeat", options)

    async def append_log(
        self, lease: Lease, job_id: str, text: str, chunk: int, *, max_bytes: int = 1 << 20
    ) -> bool:
        """Append chunk number ``chunk`` (from 1, per run) of driver output to the job's log
        while it runs (the last output travels with ``finish``), keeping the last
        ``max_bytes``. ``False`` when the lease is lost: nothing was written."""
        options = {
            "group": lease.group_id,
            "epoch": lease.epoch,
            "job": job_id,
            "worker": self.worker_id,
            "chunk": chunk,
            "max_bytes": max_bytes,
        }
        reply = await self._run("log", options, text)
        if not int(reply):  # type: ignore[call-overload]
            lease.lost = True
            return False
        return True
