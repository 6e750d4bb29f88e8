"""Live events as server-sent events: every job state change of the caller's org, of one
job, or of one suite. Resume with ``Last-Event-ID`` (or ``last_event_id``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import StreamingResponse

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import EventLogDep, HubDep, JobsDep, SettingsDep, SuitesDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN, NOT_FOUND, invalid
from qgjob_api.routes.jobs import visible_job
from qgjob_api.routes.suites import visible_suite
from qgjob_api.sse import SSE_HEADERS, EventFilter, EventStream, snapshot_frame
from qgjob_redis import valid_stream_id
from qgjob_schemas import ID_PATTERN, JobEvent

router = APIRouter(prefix="/v1", tags=["events"])

LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        max_length=64,
        description="Resume after this event id (browsers send it when they reconnect).",
    ),
]
LastEventIdQuery = Annotated[
    str | None,
    Query(max_length=64, description="Resume after this event id (as `Last-Event-ID`)."),
]
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A stream of server-sent events. Each event: `id:` its id and `data:` "
        "a JobEvent as JSON. The job and suite streams begin with an `event: snapshot` frame "
        "(the current job or suite) unless resuming, and end once it is finished.",
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "example": 'id: 1732795200000-0\ndata: {"id":"1732795200000-0",'
                '"job_id":"01JDY4T6M3Q9W8K7R2N5P1X0AB","org_id":"qualgent",'
                '"status":"running","at":"2026-11-28T12:00:00Z"}\n\n',
            }
        },
    }
}


def _cursor(header: str | None, query: str | None) -> str | None:
    cursor = query or header
    if cursor is not None and not valid_stream_id(cursor):
        raise invalid("Last-Event-ID", "must be an event id like 1732795200000-0")
    return cursor


def _sse(body: Any) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream", headers=SSE_HEADERS)


@router.get(
    "/events",
    operation_id="streamEvents",
    summary="Stream events",
    response_class=StreamingResponse,
    responses={**SSE_RESPONSE, **FORBIDDEN, **ERROR_RESPONSES},
)
async def stream_events(
    principal: PrincipalDep,
    hub: HubDep,
    log: EventLogDep,
    settings: SettingsDep,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    last_event_id: LastEventIdQuery = None,
    last_event_header: LastEventId = None,
) -> StreamingResponse:
    """Every state change of the token's org's jobs (an operator: every org's, or
    ``org_id``'s), as they happen. Never ends by itself."""
    where = EventFilter(org_id=principal.scope(org_id))
    cursor = _cursor(last_event_header, last_event_id)
    stream = EventStream(hub, log.of_org(where.org_id), where, settings.sse_keepalive_s)
    return _sse(stream.run(cursor))


@router.get(
    "/jobs/{job_id}/events",
    operation_id="streamJobEvents",
    summary="Stream a job's events",
    response_class=StreamingResponse,
    responses={**SSE_RESPONSE, **NOT_FOUND, **ERROR_RESPONSES},
)
async def stream_job_events(
    job_id: Annotated[str, Path(pattern=ID_PATTERN, description="The job's id.")],
    principal: PrincipalDep,
    jobs: JobsDep,
    hub: HubDep,
    log: EventLogDep,
    settings: SettingsDep,
    last_event_id: LastEventIdQuery = None,
    last_event_header: LastEventId = None,
) -> StreamingResponse:
    """The job's state changes until it is finished (passed, failed, dead or cancelled)."""
    cursor = _cursor(last_event_header, last_event_id)
    job = await visible_job(jobs, principal, job_id)
    source = log.of_job(job_id, job.org_id)  # catching up reads the job's own events only

    async def finished(event: JobEvent) -> bool:
        return event.status.terminal

    stream = EventStream(
        hub, source, EventFilter(job_id=job_id), settings.sse_keepalive_s, done=finished
    )
    if cursor is None:
        cursor = await source.last_id()
        job = await visible_job(jobs, principal, job_id)
        first = snapshot_frame(job.model_dump_json())
        if job.status.terminal:
            return _sse(_once(first))
        return _sse(stream.run(cursor, first))
    return _sse(stream.run(cursor))


@router.get(
    "/suites/{suite_id}/events",
    operation_id="streamSuiteEvents",
    summary="Stream a suite's events",
    response_class=StreamingResponse,
    responses={**SSE_RESPONSE, **NOT_FOUND, **ERROR_RESPONSES},
)
async def stream_suite_events(
    suite_id: Annotated[str, Path(pattern=ID_PATTERN, description="The suite's id.")],
    principal: PrincipalDep,
    suites: SuitesDep,
    hub: HubDep,
    log: EventLogDep,
    settings: SettingsDep,
    last_event_id: LastEventIdQuery = None,
    last_event_header: LastEventId = None,
) -> StreamingResponse:
    """State changes of the suite's jobs until every one is finished."""
    cursor = _cursor(last_event_header, last_event_id)
    await visible_suite(suites, principal, suite_id, with_jobs=False)
    log = log.of_suite(suite_id)  # catching up reads the suite's own events only

    async def finished(event: JobEvent) -> bool:
        if not event.status.terminal:
            return False
        suite = await suites.get(suite_id, with_jobs=False)
        return suite is None or suite.finished

    stream = EventStream(
        hub, log, EventFilter(suite_id=suite_id), settings.sse_keepalive_s, done=finished
    )
    if cursor is None:
        cursor = await log.last_id()
        suite = await visible_suite(suites, principal, suite_id, with_jobs=False)
        first = snapshot_frame(suite.model_dump_json())
        if suite.finished:
            return _sse(_once(first))
        return _sse(stream.run(cursor, first))
    return _sse(stream.run(cursor))


async def _once(text: str) -> Any:
    yield text
