"""The event streams over a WebSocket: the same events, scope and resume as the server-sent
event routes, one JSON text message each.

Messages: ``{"type": "event", "id": <event id>, "data": <JobEvent>}``; a job or suite stream
opens with ``{"type": "snapshot", "data": <Job or Suite>}`` unless resuming;
``{"type": "keepalive"}`` after a quiet spell; on a refusal ``{"type": "error", "error":
{...}}`` and the close code 4000 + the HTTP status (4401, 4403, 4404, 4422, 4429). A job or
suite stream closes with 1000 once it is finished; 1001 when the server stops.

Credentials: ``Authorization: Bearer <token>``, or (browsers cannot set headers) the
subprotocols ``qgjob`` and ``bearer.<token>``. Resume: ``Last-Event-ID`` header or the
``last_event_id`` query parameter, as for server-sent events."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from qgjob_api.auth import Principal, principal_of
from qgjob_api.errors import ApiError, invalid
from qgjob_api.feeds import Feed, Sources, cursor_of, job_feed, org_feed, suite_feed
from qgjob_core.retrying import STORE_ERRORS
from qgjob_schemas import ID_PATTERN
from qgjob_store import EventLog, JobStore, SuiteStore

router = APIRouter(prefix="/v1")
SUBPROTOCOL = "qgjob"
TOKEN_PROTOCOL = "bearer."
_ID = re.compile(ID_PATTERN)

UNAVAILABLE = ApiError(503, "store_unavailable", "the job store is unreachable; retry shortly")
MakeFeed = Callable[[Sources, Principal, str | None], Awaitable[Feed]]


def _credentials(ws: WebSocket) -> tuple[str | None, str | None]:
    """The token and the raw Authorization header (a malformed one is an error, not none)."""
    header = ws.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        return (token.strip() or None) if scheme.lower() == "bearer" else None, header
    for proto in ws.scope.get("subprotocols", []):
        if proto.startswith(TOKEN_PROTOCOL) and len(proto) > len(TOKEN_PROTOCOL):
            return proto[len(TOKEN_PROTOCOL) :], None
    return None, None


def _checked(field: str, value: str | None) -> str | None:
    if value is not None and not _ID.match(value):
        raise invalid(field, "must be 1-128 characters of A-Z a-z 0-9 . _ : -")
    return value


async def _refuse(ws: WebSocket, subprotocol: str | None, err: ApiError) -> None:
    await ws.accept(subprotocol=subprotocol)
    body = {
        "code": err.code,
        "message": err.message,
        "details": [d.model_dump() for d in err.details],
    }
    await ws.send_text(orjson.dumps({"type": "error", "error": body}).decode())
    await ws.close(code=4000 + err.status, reason=err.code)


async def _serve(ws: WebSocket, make: MakeFeed) -> None:
    state = ws.app.state
    offered = ws.scope.get("subprotocols", [])
    subprotocol = SUBPROTOCOL if SUBPROTOCOL in offered else None
    try:
        principal = await principal_of(state, *_credentials(ws))
        cursor = cursor_of(ws.headers.get("last-event-id"), ws.query_params.get("last_event_id"))
        src = Sources(state.hub, EventLog(state.store), state.settings.sse_keepalive_s)
        feed = await make(src, principal, cursor)
    except ApiError as err:
        await _refuse(ws, subprotocol, err)
        return
    except STORE_ERRORS:
        await _refuse(ws, subprotocol, UNAVAILABLE)
        return
    await ws.accept(subprotocol=subprotocol)
    try:
        if feed.snapshot is not None:
            await ws.send_text(f'{{"type":"snapshot","data":{feed.snapshot}}}')
        if not feed.finished:
            async for event in feed.stream.events(feed.cursor):
                if event is None:
                    await ws.send_text('{"type":"keepalive"}')
                    continue
                data = event.model_dump_json(exclude_none=True)
                await ws.send_text(f'{{"type":"event","id":"{event.id}","data":{data}}}')
        if ws.application_state is not WebSocketState.DISCONNECTED:
            await ws.close(code=1001 if state.hub.closing else 1000)
    except (WebSocketDisconnect, RuntimeError):
        return  # the client went away (a send on a closed socket raises RuntimeError)
    except STORE_ERRORS:
        await ws.close(code=1011, reason="store_unavailable")  # the client resumes later


@router.websocket("/events/ws")
async def events_ws(ws: WebSocket, org_id: str | None = None) -> None:
    """Every state change of the token's org (an operator's: all, or ``org_id``'s)."""

    async def make(src: Sources, principal: Principal, cursor: str | None) -> Feed:
        return await org_feed(src, principal, _checked("org_id", org_id), cursor)

    await _serve(ws, make)


@router.websocket("/jobs/{job_id}/events/ws")
async def job_events_ws(ws: WebSocket, job_id: str) -> None:
    """One job's state changes until it is finished."""

    async def make(src: Sources, principal: Principal, cursor: str | None) -> Feed:
        jobs: JobStore = ws.app.state.jobs
        checked = _checked("job_id", job_id) or ""
        return await job_feed(src, principal, jobs, checked, cursor)

    await _serve(ws, make)


@router.websocket("/suites/{suite_id}/events/ws")
async def suite_events_ws(ws: WebSocket, suite_id: str) -> None:
    """A suite's job changes until every job is finished."""

    async def make(src: Sources, principal: Principal, cursor: str | None) -> Feed:
        suites = SuiteStore(ws.app.state.store)
        return await suite_feed(
            src, principal, suites, _checked("suite_id", suite_id) or "", cursor
        )

    await _serve(ws, make)
