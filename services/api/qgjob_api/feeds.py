"""What an event stream carries, whichever transport serves it (server-sent events or a
WebSocket): the caller's scope, where it starts, the snapshot that opens a job or suite
stream, and when it ends. The routes check access and the cursor before any byte goes out."""

from __future__ import annotations

from dataclasses import dataclass

from qgjob_api.auth import Principal
from qgjob_api.errors import invalid
from qgjob_api.events_hub import EventHub
from qgjob_api.routes.jobs import visible_job
from qgjob_api.routes.suites import visible_suite
from qgjob_api.sse import EventFilter, EventStream
from qgjob_schemas import JobEvent
from qgjob_store import EventLog, JobStore, SuiteStore, valid_stream_id


@dataclass
class Feed:
    stream: EventStream
    cursor: str
    """Events after this id are sent (fixed before the stream opens)."""
    snapshot: str | None = None
    """JSON of the job or suite as it is now, sent first when not resuming."""
    finished: bool = False
    """The job or suite was already finished: the snapshot is all there is."""


@dataclass
class Sources:
    hub: EventHub
    log: EventLog
    keepalive_s: float


def cursor_of(header: str | None, query: str | None) -> str | None:
    cursor = query or header
    if cursor is not None and not valid_stream_id(cursor):
        raise invalid("Last-Event-ID", "must be an event id like 1732795200000-0")
    return cursor


async def org_feed(
    src: Sources, principal: Principal, org_id: str | None, cursor: str | None
) -> Feed:
    """Every state change of the token's org (an operator's: every org's, or ``org_id``'s)."""
    where = EventFilter(org_id=principal.scope(org_id))
    log = src.log.of_org(where.org_id)  # catching up reads that org's events only
    stream = EventStream(src.hub, log, where, src.keepalive_s)
    return Feed(stream, cursor or await log.last_id())


async def job_feed(
    src: Sources, principal: Principal, jobs: JobStore, job_id: str, cursor: str | None
) -> Feed:
    """The job's changes until it is finished; a snapshot of it first unless resuming."""
    job = await visible_job(jobs, principal, job_id)
    log = src.log.of_job(job_id, job.org_id)  # catching up reads the job's own events only

    async def finished(events: list[JobEvent]) -> bool:
        return any(e.status.terminal for e in events)

    where = EventFilter(job_id=job_id)
    stream = EventStream(src.hub, log, where, src.keepalive_s, done=finished)
    if cursor is not None:
        if job.status.terminal:  # read before the newest id: nothing of it comes later
            stream.end_at(await log.last_id())
        return Feed(stream, cursor)
    start = await log.last_id()
    job = await visible_job(jobs, principal, job_id)  # read after the cursor: nothing slips
    return Feed(stream, start, job.model_dump_json(), job.status.terminal)


async def suite_feed(
    src: Sources, principal: Principal, suites: SuiteStore, suite_id: str, cursor: str | None
) -> Feed:
    """The suite's job changes until every job is finished; a snapshot first unless
    resuming."""
    log = src.log.of_suite(suite_id)  # catching up reads the suite's own events only
    # "from now" is fixed before the suite is read, so nothing slips between the two (a
    # resuming client's cursor is older still)
    start = cursor or await log.last_id()
    suite = await visible_suite(suites, principal, suite_id, with_jobs=False)
    ended_before = sum(n for status, n in suite.counts.items() if status.terminal)
    ended: set[str] = set()

    async def finished(events: list[JobEvent]) -> bool:
        # a job not finished when the suite was read ends with an event after the cursor,
        # which this stream sees: until that many have ended, the store need not be asked
        ended.update(e.job_id for e in events if e.status.terminal)
        if len(ended) + ended_before < suite.total:
            return False
        now = await suites.get(suite_id, with_jobs=False)
        return now is None or now.finished

    where = EventFilter(suite_id=suite_id)
    stream = EventStream(src.hub, log, where, src.keepalive_s, done=finished)
    if cursor is not None:
        if suite.finished:  # read before the newest id: nothing of it comes later
            stream.end_at(await log.last_id())
        return Feed(stream, cursor)
    return Feed(stream, start, suite.model_dump_json(), suite.finished)
