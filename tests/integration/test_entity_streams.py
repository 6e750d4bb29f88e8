"""Every event is also in its suite's stream (same id and fields as in the shared stream)
and its id in its job's list, and the job and suite event endpoints catch up from those:
exactly their own events, never another org's, resuming after any id. A job's list is
bounded in length and lives as long as the job's record (real redis-server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from bench.reads.seed import seed
from qgjob_api.events_hub import EventHub
from qgjob_api.sse import EventFilter, EventStream
from qgjob_schemas import JobResult, Outcome
from qgjob_store import EventLog, JobStore, Store, WorkerStore
from qgjob_store.scripts import call_args, compose
from tests.integration.helpers import dispatch_and_acquire, group_all, submit
from tests.integration.test_events import TIMEOUT, _run_all
from tests.integration.test_org_reads import _sse, store_sync
from tests.support.api import job_body, org_token, secured, served
from tests.support.waiting import async_wait_until

EMIT_MANY = compose(
    "emit_many",
    """-- Append ARGV[3] events of job ARGV[2] of org1, as the scripts do.
-- KEYS[1] events  every org's events
--- @include "includes/emit"
--- @include "includes/fmt"
--- @include "includes/now"
for i = 1, tonumber(ARGV[3]) do emit(ARGV[2], 'org1', 'queued', fmt(now()), nil, '') end
""",
)


async def emit_many(store: Store, job_id: str, n: int) -> None:
    keys, argv = call_args(EMIT_MANY, store.keys, [job_id, n])
    await store.redis.eval(EMIT_MANY.text, len(keys), *keys, *argv)


@pytest.fixture
async def live(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        served(secured(sse_keepalive_s=0.3), store) as url,
        httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
    ):
        yield client


async def _shared(store: Store, field: str, value: str) -> list[tuple[str, dict[str, str]]]:
    rows = await store.redis.xrange(store.keys.events())
    return [(i, f) for i, f in rows if f.get(field) == value]


async def test_each_job_and_suite_stream_holds_exactly_its_own_events(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(live, "acme"), await org_token(live, "globex")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suites = [(await live.post("/v1/suites", json=body, headers=h)).json() for h in (acme, globex)]
    lone = [
        (await live.post("/v1/jobs", json=job_body(), headers=h)).json() for h in (acme, globex)
    ]
    await _run_all(store)
    waiting = (await live.post("/v1/jobs", json=job_body(), headers=acme)).json()
    job_ids = [j["id"] for j in lone] + [j for s in suites for j in s["job_ids"]]
    for job_id in [*job_ids, waiting["id"]]:
        want = await _shared(store, "job", job_id)
        ids = await store.redis.lrange(store.keys.job_events(job_id), 0, -1)
        assert want and ids == [i for i, _ in want]
    for suite in suites:
        want = await _shared(store, "suite", suite["id"])
        assert len(want) == 8  # queued, scheduled, running, passed of its two jobs
        assert await store.redis.xrange(store.keys.suite_events(suite["id"])) == want
    # retention: a finished job's list expires with its record, an unfinished one's not
    assert await store.redis.ttl(store.keys.job_events(job_ids[0])) > 0
    assert await store.redis.ttl(store.keys.job_events(waiting["id"])) == -1
    assert await store.redis.ttl(store.keys.suite_events(suites[0]["id"])) > 0


async def test_job_and_suite_endpoints_read_their_own_events_and_resume(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(live, "acme"), await org_token(live, "globex")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await live.post("/v1/suites", json=body, headers=acme)).json()
    theirs = (await live.post("/v1/suites", json=body, headers=globex)).json()
    seed(store_sync(store), store.keys, "globex", "events", 500)
    await _run_all(store)
    job_id = suite["job_ids"][0]
    own = [i for i, _ in await _shared(store, "job", job_id)]
    got = await _sse(live, f"/v1/jobs/{job_id}/events?last_event_id=0-0", acme, 10)
    assert [f.id for f in got] == own  # ends by itself after the job's last event
    assert {f.data["job_id"] for f in got} == {job_id}
    resumed = await _sse(live, f"/v1/jobs/{job_id}/events?last_event_id={own[1]}", acme, 10)
    assert [f.id for f in resumed] == own[2:]

    mine = [i for i, _ in await _shared(store, "suite", suite["id"])]
    of_suite = await _sse(live, f"/v1/suites/{suite['id']}/events?last_event_id=0-0", acme, 20)
    assert [f.id for f in of_suite] == mine
    assert {f.data["org_id"] for f in of_suite} == {"acme"}
    path = f"/v1/suites/{suite['id']}/events?last_event_id={mine[4]}"
    assert [f.id for f in await _sse(live, path, acme, 20)] == mine[5:]
    # another org's job and suite are not found, their events never sent
    for path in (f"/v1/jobs/{theirs['job_ids'][0]}/events", f"/v1/suites/{theirs['id']}/events"):
        assert (await live.get(f"{path}?last_event_id=0-0", headers=acme)).status_code == 404


async def test_resuming_a_finished_job_or_suite_sends_the_rest_and_ends(
    live: httpx.AsyncClient, store: Store
) -> None:
    """A client that comes back after its job or suite finished gets what it missed and
    the stream ends, even when nothing is left after its cursor (no event to end on)."""
    acme = await org_token(live, "acme")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await live.post("/v1/suites", json=body, headers=acme)).json()
    await _run_all(store)
    mine = [i for i, _ in await _shared(store, "suite", suite["id"])]
    path = f"/v1/suites/{suite['id']}/events?last_event_id="
    assert await _sse(live, path + mine[-1], acme, 100) == []  # ends, not kept open
    assert [f.id for f in await _sse(live, path + mine[1], acme, 100)] == mine[2:]
    job_id = suite["job_ids"][1]
    own = [i for i, _ in await _shared(store, "job", job_id)]
    path = f"/v1/jobs/{job_id}/events?last_event_id="
    assert await _sse(live, path + own[-1], acme, 100) == []
    assert [f.id for f in await _sse(live, path + own[0], acme, 100)] == own[1:]


async def test_a_jobs_list_keeps_only_its_newest_events(store: Store) -> None:
    """A job that changes status again and again (requeued for ever) cannot grow its own
    list without bound; the shared stream keeps every one."""
    await emit_many(store, "j1", 1500)
    kept = await store.redis.lrange(store.keys.job_events("j1"), 0, -1)
    every = await _shared(store, "job", "j1")
    assert len(every) == 1500
    assert kept == [i for i, _ in every[-1000:]]
    log = EventLog(store).of_job("j1", "org1")
    assert await log.last_id() == every[-1][0]
    assert await log.after(every[-3][0]) == every[-2:]  # entries read from the org's stream


async def test_a_caught_up_client_takes_new_events_from_the_hub_once_each(store: Store) -> None:
    """Catching up from the org's stream, then following the hub's window of the shared
    stream: another org's events before and after change nothing, none is sent twice."""
    hub = EventHub(EventLog(store), block_ms=100)
    hub.start()
    try:
        seed(store_sync(store), store.keys, "org1", "events", 30)
        seed(store_sync(store), store.keys, "org2", "events", 300)
        log = EventLog(store).of_org("org1")
        stream = EventStream(hub, log, EventFilter(org_id="org1"), keepalive_s=0.2).run("0-0")
        got: list[str] = []

        async def read(n: int) -> None:
            async with asyncio.timeout(10):
                while len(got) < n:
                    text = await anext(stream)
                    got.extend(x[4:] for x in text.split("\n") if x.startswith("id: "))

        await read(30)
        for _ in range(3):  # live now: more of both orgs', interleaved
            seed(store_sync(store), store.keys, "org2", "events", 100)
            seed(store_sync(store), store.keys, "org1", "events", 5)
        await read(45)
        assert got == [i for i, _ in await store.redis.xrange(log.key)]
        await stream.aclose()
    finally:
        await hub.stop()


async def test_a_requeued_jobs_list_lives_again_with_its_record(store: Store) -> None:
    (job,) = await submit(store, 1)
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    assert (await ws.start(lease, job.id)).ok
    final = JobResult(outcome=Outcome.ERROR, message="no device", retryable=False)
    assert await ws.finish(lease, job.id, final) == "dead"
    key = store.keys.job_events(job.id)
    assert await store.redis.ttl(key) > 0 and await store.redis.ttl(store.keys.job(job.id)) > 0
    assert await JobStore(store).requeue(job.id) == "requeued"
    assert await store.redis.ttl(key) == -1 == await store.redis.ttl(store.keys.job(job.id))
    events = await EventLog(store).of_job(job.id, "org1").after("0-0")
    assert [f["status"] for _, f in events] == ["queued", "scheduled", "running", "dead", "queued"]


async def test_a_jobs_events_trimmed_from_its_orgs_stream_are_skipped_not_the_rest(
    store: Store,
) -> None:
    """The org's stream is trimmed by length: a job's oldest ids may outlive their entries.
    A catch-up page of such ids still moves on to the job's entries that remain."""
    await emit_many(store, "j1", 120)
    ids = await store.redis.lrange(store.keys.job_events("j1"), 0, -1)
    await store.redis.xtrim(
        store.keys.events("org1"), minid=ids[70], approximate=False
    )  # first 70 gone
    hub = EventHub(EventLog(store), block_ms=100)
    hub.start()
    try:
        source = EventLog(store).of_job("j1", "org1")
        stream = EventStream(hub, source, EventFilter(job_id="j1"), keepalive_s=5).run("0-0")
        assert (await anext(stream)).startswith("retry:")

        async def reading() -> bool:
            return hub.newest() is not None

        await async_wait_until(reading, timeout=5, what="the hub to read")
        got: list[str] = []
        async with asyncio.timeout(4):  # well within one keep-alive: no second try
            while len(got) < 50:
                text = await anext(stream)
                got.extend(x[4:] for x in text.split("\n") if x.startswith("id: "))
        assert got == ids[70:]
        await stream.aclose()
    finally:
        await hub.stop()


async def test_sse_sends_each_catch_up_page_in_one_write(store: Store) -> None:
    """A client catching up gets a small first page at once, then big pages, each page's
    frames in one chunk; the WebSocket side of the same stream yields them one by one."""
    seed(store_sync(store), store.keys, "org1", "events", 120)
    hub = EventHub(EventLog(store), block_ms=100)
    hub.start()
    try:
        log = EventLog(store).of_org("org1")
        ids = [i for i, _ in await store.redis.xrange(log.key)]
        stream = EventStream(hub, log, EventFilter(org_id="org1"), keepalive_s=5).run("0-0")
        async with asyncio.timeout(10):
            assert (await anext(stream)).startswith("retry:")
            chunks = [await anext(stream), await anext(stream)]
        pages = [[x[4:] for x in c.split("\n") if x.startswith("id: ")] for c in chunks]
        assert [len(p) for p in pages] == [50, 70]
        assert pages[0] + pages[1] == ids
        await stream.aclose()

        events = EventStream(hub, log, EventFilter(org_id="org1"), keepalive_s=5).events("0-0")
        async with asyncio.timeout(10):
            one_by_one = [(await anext(events)) for _ in ids]
        assert [e.id for e in one_by_one if e is not None] == ids
        await events.aclose()
    finally:
        await hub.stop()
