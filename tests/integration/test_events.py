"""Live events over server-sent events, on a real server and a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest

from qgjob_api.events_hub import EventHub
from qgjob_api.settings import ApiSettings
from qgjob_api.sse import EventFilter, EventStream
from qgjob_store import EventLog, Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed, submit
from tests.support.api import ADMIN, job_body, org_token, secured, served
from tests.support.sse import Frame, frames
from tests.support.waiting import async_wait_until

TIMEOUT = httpx.Timeout(10.0)


@pytest.fixture
async def live(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        served(secured(sse_keepalive_s=0.3), store) as url,
        httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
    ):
        yield client


async def _events(stream: AsyncIterator[Frame], n: int) -> list[Frame]:
    out: list[Frame] = []
    async with asyncio.timeout(10):
        async for f in stream:
            if f.data is not None and f.event is None:
                out.append(f)
                if len(out) == n:
                    return out
    return out


async def _run_all(store: Store) -> None:
    """Group, dispatch and pass every queued job (a worker, by hand)."""
    ws = WorkerStore(store, "w1", "emulator")
    for gid in await group_all(store):
        lease = await dispatch_and_acquire(store, gid)
        for job in lease.jobs:
            assert (await ws.start(lease, job.id)).ok
            await ws.finish(lease, job.id, passed())
        assert await ws.close(lease) is None


async def test_the_org_stream_shows_only_its_own_jobs(live: httpx.AsyncClient) -> None:
    acme, globex = await org_token(live, "acme"), await org_token(live, "globex")
    async with live.stream("GET", "/v1/events", headers=acme) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        stream = frames(r)
        first = await anext(stream)
        assert first.retry == 2000
        await live.post("/v1/jobs", json=job_body(), headers=globex)
        mine = (await live.post("/v1/jobs", json=job_body(), headers=acme)).json()
        (event,) = await _events(stream, 1)
    assert event.data["job_id"] == mine["id"] and event.data["org_id"] == "acme"
    assert event.data["status"] == "queued" and event.id == event.data["id"]


async def test_a_job_stream_starts_with_a_snapshot_and_ends_when_finished(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(live, "acme")
    job = (await live.post("/v1/jobs", json=job_body(), headers=acme)).json()
    async with live.stream("GET", f"/v1/jobs/{job['id']}/events", headers=acme) as r:
        stream = frames(r)
        await anext(stream)  # retry:
        snapshot = await anext(stream)
        assert snapshot.event == "snapshot" and snapshot.data["status"] == "queued"
        await _run_all(store)
        got = [f async for f in stream if f.data is not None]  # ends by itself
    assert [f.data["status"] for f in got] == ["scheduled", "running", "passed"]
    assert got[1].data["worker_id"] == "w1" and got[1].data["attempt"] == 1
    # a finished job's stream is its snapshot alone
    again = await live.get(f"/v1/jobs/{job['id']}/events", headers=acme)
    assert again.text.count("event: snapshot") == 1 and '"status":"passed"' in again.text


async def test_resuming_with_last_event_id_misses_nothing(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(live, "acme")
    for _ in range(3):
        await live.post("/v1/jobs", json=job_body(), headers=acme)
    await _run_all(store)
    ids = [eid for eid, _ in await store.redis.xrange(store.keys.events())]
    assert len(ids) == 12  # queued, scheduled, running, passed for 3 jobs
    headers = {**acme, "Last-Event-ID": ids[4]}
    async with live.stream("GET", "/v1/events", headers=headers) as r:
        got = await _events(frames(r), 7)
    assert [f.id for f in got] == ids[5:]
    by_query = await _read_n(live, f"/v1/events?last_event_id={ids[9]}", acme, 2)
    assert [f.id for f in by_query] == ids[10:]
    bad = await live.get("/v1/events", headers={**acme, "Last-Event-ID": "yesterday"})
    assert bad.status_code == 422


async def _read_n(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], n: int
) -> list[Frame]:
    async with client.stream("GET", path, headers=headers) as r:
        return await _events(frames(r), n)


async def test_idle_streams_send_keep_alives(live: httpx.AsyncClient) -> None:
    acme = await org_token(live, "acme")
    async with live.stream("GET", "/v1/events", headers=acme) as r, asyncio.timeout(5):
        async for f in frames(r):
            if "keep-alive" in f.comments:
                break


async def test_a_suite_stream_carries_the_suite_id_and_ends_with_the_suite(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(live, "acme")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await live.post("/v1/suites", json=body, headers=acme)).json()
    async with live.stream("GET", f"/v1/suites/{suite['id']}/events", headers=acme) as r:
        stream = frames(r)
        await anext(stream)
        snapshot = await anext(stream)
        assert snapshot.event == "snapshot" and snapshot.data["counts"] == {"queued": 2}
        await _run_all(store)
        got = [f.data async for f in stream if f.data is not None]
    assert {e["suite_id"] for e in got} == {suite["id"]}
    assert [e["status"] for e in got].count("passed") == 2 and got[-1]["status"] == "passed"


async def test_one_blocking_connection_serves_every_client(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(live, "acme")

    async def blocked_readers() -> int:
        clients = await store.redis.client_list()
        return sum(1 for c in clients if c["cmd"] in ("xread", "xread|block") and "b" in c["flags"])

    async def listen(ready: asyncio.Event, done: asyncio.Event) -> int:
        async with live.stream("GET", "/v1/events", headers=acme) as r:
            stream = frames(r)
            await anext(stream)
            ready.set()
            await done.wait()
            (event,) = await _events(stream, 1)
            return 1 if event.data["status"] == "queued" else 0

    done = asyncio.Event()
    readies = [asyncio.Event() for _ in range(20)]
    tasks = [asyncio.create_task(listen(ready, done)) for ready in readies]
    await asyncio.gather(*(e.wait() for e in readies))
    assert await async_wait_until(
        lambda: _equals(blocked_readers(), 1), timeout=5, what="one blocked reader"
    )
    await live.post("/v1/jobs", json=job_body(), headers=acme)
    done.set()
    assert sum(await asyncio.gather(*tasks)) == 20


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def test_a_client_behind_the_window_catches_up_from_the_stream(store: Store) -> None:
    """The hub keeps only a small window; a slow client reads what it missed from Redis."""
    log = EventLog(store)
    hub = EventHub(log, window=5, block_ms=100)
    hub.start()
    try:
        start = await log.last_id()
        stream = EventStream(hub, log, EventFilter(org_id="org1"), keepalive_s=0.2).run(start)
        assert (await anext(stream)).startswith("retry:")
        await submit(store, 40)  # 40 events while the client reads nothing
        await submit(store, 3, org="org2")
        got: list[str] = []
        async with asyncio.timeout(10):
            while len(got) < 40:
                text = await anext(stream)  # a batch of frames in one chunk
                got += [
                    line.removeprefix("id: ") for line in text.split("\n") if line[:4] == "id: "
                ]
        ids = [
            eid for eid, f in await store.redis.xrange(store.keys.events()) if f["org"] == "org1"
        ]
        assert got == ids
        assert len(hub._window) <= 5
        await stream.aclose()
    finally:
        await hub.stop()


async def test_the_operator_stream_sees_every_org(live: httpx.AsyncClient) -> None:
    acme = await org_token(live, "acme")
    async with live.stream("GET", "/v1/events", headers=ADMIN) as r:
        stream = frames(r)
        await anext(stream)
        await live.post("/v1/jobs", json=job_body(), headers=acme)
        await live.post("/v1/jobs", json=job_body("globex"), headers=ADMIN)
        got = await _events(stream, 2)
    assert [f.data["org_id"] for f in got] == ["acme", "globex"]
    forbidden = await live.get("/v1/events?org_id=globex", headers=acme)
    assert forbidden.status_code == 403


async def test_live_events_on_the_embedded_store(mem_store: Store) -> None:
    """`qgjob up` runs on fakeredis: the hub's blocking reads work there too."""
    async with (
        served(ApiSettings(redis_url="memory://"), mem_store) as url,
        httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
        client.stream("GET", "/v1/events") as r,
    ):
        stream = frames(r)
        await anext(stream)
        job = (await client.post("/v1/jobs", json=job_body("acme"))).json()
        (event,) = await _events(stream, 1)
    assert event.data["job_id"] == job["id"]
