"""Every event is also in its job's stream and its suite's (same ids and fields as in the
shared stream), and the job and suite event endpoints catch up from those: exactly their
own events, never another org's, resuming after any id. A job's stream is bounded in length
and lives as long as the job's record (real redis-server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from bench.reads.seed import seed
from qgjob_api.events_hub import EventHub
from qgjob_api.sse import EventFilter, EventStream
from qgjob_redis import EventLog, Store
from qgjob_redis.scripts import Retention, with_prelude
from tests.integration.test_events import TIMEOUT, _run_all
from tests.integration.test_org_reads import _sse, store_sync
from tests.support.api import job_body, org_token, secured, served


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
        assert want and await store.redis.xrange(store.keys.job_events(job_id)) == want
    for suite in suites:
        want = await _shared(store, "suite", suite["id"])
        assert len(want) == 8  # queued, scheduled, running, passed of its two jobs
        assert await store.redis.xrange(store.keys.suite_events(suite["id"])) == want
    # retention: a finished job's stream expires with its record, an unfinished one's not
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


async def test_a_jobs_stream_keeps_only_its_newest_events(store: Store) -> None:
    """A job that changes status again and again (requeued for ever) cannot grow its own
    stream without bound; the shared stream keeps every one."""
    emit_many = with_prelude(
        "for i = 1, tonumber(ARGV[3]) do emit(ARGV[2], 'org1', 'queued', fmt(now()), nil, '') end",
        Retention(),
    )
    await store.redis.eval(emit_many, 0, store.keys.base, "j1", 3000)
    kept = await store.redis.xrange(store.keys.job_events("j1"))
    every = await _shared(store, "job", "j1")
    assert len(every) == 3000
    assert 1000 <= len(kept) < 1200  # trimmed approximately, to whole nodes
    assert kept == every[-len(kept) :]


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
