"""The event streams over a WebSocket, on a real uvicorn server and the real Redis, read with
the ``websockets`` client library: the same events as server-sent events, the same auth
(header or subprotocol), org scoping, snapshots, resume from a last event id, and refusals
as an error message and a 4xxx close code."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from qgjob_store import Store, parse_id
from tests.integration.test_events import _run_all
from tests.support.api import ADMIN, job_body, org_token, secured, served

TIMEOUT = 10


@pytest.fixture
async def live(store: Store) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    async with (
        served(secured(sse_keepalive_s=0.3), store) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        yield url.replace("http://", "ws://"), client


async def messages(ws: ClientConnection, n: int, kind: str = "event") -> list[dict[str, Any]]:
    """The next ``n`` messages of ``kind`` (others, like keep-alives, skipped)."""
    out: list[dict[str, Any]] = []
    while len(out) < n:
        msg = json.loads(await ws.recv(decode=True))
        if msg["type"] == kind:
            out.append(msg)
    return out


def bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def test_org_stream_over_websocket_is_scoped_and_resumes(
    live: tuple[str, httpx.AsyncClient], store: Store
) -> None:
    base, api = live
    acme, globex = await org_token(api, "acme"), await org_token(api, "globex")
    async with connect(f"{base}/v1/events/ws", additional_headers=acme, open_timeout=TIMEOUT) as ws:
        theirs = (await api.post("/v1/jobs", json=job_body(), headers=globex)).json()["id"]
        mine = (await api.post("/v1/jobs", json=job_body(), headers=acme)).json()["id"]
        await _run_all(store)
        got = await messages(ws, 3)
    assert [m["data"]["job_id"] for m in got] == [mine] * 3
    assert [m["data"]["status"] for m in got] == ["queued", "scheduled", "running"]
    assert theirs not in json.dumps(got)
    assert all(m["id"] == m["data"]["id"] for m in got)

    # resume after the first event: the rest follow, as SSE's Last-Event-ID would give them
    url = f"{base}/v1/events/ws?last_event_id={got[0]['id']}"
    async with connect(url, additional_headers=acme, open_timeout=TIMEOUT) as ws:
        again = await messages(ws, 3)
    assert [m["id"] for m in again[:2]] == [m["id"] for m in got[1:]]
    assert again[2]["data"]["status"] == "passed"

    # the same events the server-sent stream gives from the same point
    sse = await api.get(f"/v1/jobs/{mine}/events?last_event_id={got[0]['id']}", headers=acme)
    sse_ids = [line[4:] for line in sse.text.splitlines() if line.startswith("id: ")]
    assert sse_ids == [m["id"] for m in again]


async def test_job_stream_opens_with_a_snapshot_and_closes_when_finished(
    live: tuple[str, httpx.AsyncClient], store: Store
) -> None:
    base, api = live
    acme = await org_token(api, "acme")
    job_id = (await api.post("/v1/jobs", json=job_body(), headers=acme)).json()["id"]
    # a browser cannot set headers: the token goes as a subprotocol
    protocols: Any = ["qgjob", f"bearer.{bearer(acme)}"]
    url = f"{base}/v1/jobs/{job_id}/events/ws"
    async with connect(url, subprotocols=protocols, open_timeout=TIMEOUT) as ws:
        assert ws.subprotocol == "qgjob"
        (snap,) = await messages(ws, 1, "snapshot")
        assert (snap["data"]["id"], snap["data"]["status"]) == (job_id, "queued")
        await _run_all(store)
        seen = [json.loads(m) async for m in ws]  # ends when the server closes normally
    assert ws.close_code == 1000
    assert [m["data"]["status"] for m in seen if m["type"] == "event"][-1] == "passed"

    # a finished job: the snapshot, then the close
    async with connect(url, additional_headers=acme, open_timeout=TIMEOUT) as ws:
        (snap,) = await messages(ws, 1, "snapshot")
        assert snap["data"]["status"] == "passed"
        with pytest.raises(ConnectionClosed):
            await ws.recv()


async def test_suite_stream_over_websocket(
    live: tuple[str, httpx.AsyncClient], store: Store
) -> None:
    base, api = live
    acme = await org_token(api, "acme")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await api.post("/v1/suites", json=body, headers=acme)).json()
    url = f"{base}/v1/suites/{suite['id']}/events/ws"
    async with connect(url, additional_headers=acme, open_timeout=TIMEOUT) as ws:
        (snap,) = await messages(ws, 1, "snapshot")
        assert snap["data"]["total"] == 2
        await _run_all(store)
        events = [m["data"] async for raw in ws if (m := json.loads(raw))["type"] == "event"]
    assert ws.close_code == 1000
    assert sorted(e["job_id"] for e in events if e["status"] == "passed") == sorted(
        suite["job_ids"]
    )


async def test_job_and_suite_streams_catch_up_from_their_own_events(
    live: tuple[str, httpx.AsyncClient], store: Store
) -> None:
    """A busy org's stream is capped by length; the suite's own stream keeps what it lost,
    so a suite client catching up still gets every event of its jobs, over either
    transport; a job's catch-up skips what its org's stream lost and ends all the same."""
    base, api = live
    acme = await org_token(api, "acme")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await api.post("/v1/suites", json=body, headers=acme)).json()
    await _run_all(store)
    job_id = suite["job_ids"][0]
    of_suite = [i for i, _ in await store.redis.xrange(store.keys.suite_events(suite["id"]))]
    assert len(of_suite) == 8
    cut = of_suite[2]  # the two submissions' events go from the org's stream
    await store.redis.xtrim(store.keys.events("acme"), minid=cut, approximate=False)
    of_job = [
        i
        for i in await store.redis.lrange(store.keys.job_events(job_id), 0, -1)
        if parse_id(i) >= parse_id(cut)
    ]
    assert len(of_job) == 3  # scheduled, running, passed

    for path, want in (
        (f"/v1/suites/{suite['id']}/events", of_suite),
        (f"/v1/jobs/{job_id}/events", of_job),
    ):
        url = f"{base}{path}/ws?last_event_id=0-0"
        async with connect(url, additional_headers=acme, open_timeout=TIMEOUT) as ws:
            got = [m["id"] async for raw in ws if (m := json.loads(raw))["type"] == "event"]
        assert ws.close_code == 1000  # ended by itself: the suite or job is finished
        assert got == want
        sse = await api.get(f"{path}?last_event_id=0-0", headers=acme)
        assert [line[4:] for line in sse.text.splitlines() if line.startswith("id: ")] == want


async def refused(url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with connect(url, open_timeout=TIMEOUT, **kwargs) as ws:
        msg = json.loads(await ws.recv(decode=True))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert msg["type"] == "error" and closed.value.rcvd is not None
    return closed.value.rcvd.code, msg["error"]


async def test_refusals_are_an_error_message_and_a_4xxx_close(
    live: tuple[str, httpx.AsyncClient],
) -> None:
    base, api = live
    acme, globex = await org_token(api, "acme"), await org_token(api, "globex")
    theirs = (await api.post("/v1/jobs", json=job_body(), headers=globex)).json()["id"]

    code, err = await refused(f"{base}/v1/events/ws")
    assert (code, err["code"]) == (4401, "unauthorized")
    code, err = await refused(f"{base}/v1/events/ws", additional_headers={"Authorization": "x"})
    assert (code, err["code"]) == (4401, "unauthorized")
    bad: Any = ["bearer.nope"]
    code, _ = await refused(f"{base}/v1/events/ws", subprotocols=bad)
    assert code == 4401
    code, err = await refused(f"{base}/v1/events/ws?org_id=globex", additional_headers=acme)
    assert (code, err["code"]) == (4403, "forbidden")
    # another org's job answers exactly like a missing one
    code, err = await refused(f"{base}/v1/jobs/{theirs}/events/ws", additional_headers=acme)
    assert (code, err["code"]) == (4404, "not_found")
    code, err = await refused(
        f"{base}/v1/events/ws?last_event_id=yesterday", additional_headers=acme
    )
    assert (code, err["code"]) == (4422, "validation_error")
    code, _ = await refused(f"{base}/v1/events/ws?org_id=bad%20id", additional_headers=ADMIN)
    assert code == 4422
