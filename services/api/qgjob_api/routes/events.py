"""Live events as server-sent events: every job state change of the caller's org, of one
job, or of one suite. Resume with ``Last-Event-ID`` (or ``last_event_id``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import StreamingResponse

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import EventLogDep, HubDep, JobsDep, SettingsDep, SuitesDep
from qgjob_api.errors import ERROR_RESPONSES, FORBIDDEN, NOT_FOUND
from qgjob_api.feeds import Feed, Sources, cursor_of, job_feed, org_feed, suite_feed
from qgjob_api.sse import SSE_HEADERS, snapshot_frame
from qgjob_schemas import ID_PATTERN

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


def _sse(feed: Feed) -> StreamingResponse:
    if feed.finished and feed.snapshot is not None:
        body: Any = _once(snapshot_frame(feed.snapshot))
    else:
        first = snapshot_frame(feed.snapshot) if feed.snapshot is not None else None
        body = feed.stream.run(feed.cursor, first)
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
    cursor = cursor_of(last_event_header, last_event_id)
    src = Sources(hub, log, settings.sse_keepalive_s)
    return _sse(await org_feed(src, principal, org_id, cursor))


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
    cursor = cursor_of(last_event_header, last_event_id)
    src = Sources(hub, log, settings.sse_keepalive_s)
    return _sse(await job_feed(src, principal, jobs, job_id, cursor))


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
    cursor = cursor_of(last_event_header, last_event_id)
    src = Sources(hub, log, settings.sse_keepalive_s)
    return _sse(await suite_feed(src, principal, suites, suite_id, cursor))


async def _once(text: str) -> Any:
    yield text
