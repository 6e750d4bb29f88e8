"""An org's reads come from its own streams: its dead letters and events (catching up from
the first id, or resuming) are exactly its own, with the ids of the shared streams, in
order; poison entries and other orgs' entries are seen only by an operator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import redis

from bench.reads.seed import seed
from qgjob_store import Store
from tests.integration.test_events import TIMEOUT, _run_all
from tests.support.api import ADMIN, job_body, org_token, secured, served
from tests.support.sse import Frame, frames


@pytest.fixture
async def live(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        served(secured(sse_keepalive_s=0.3), store) as url,
        httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
    ):
        yield client


async def _shared(store: Store, stream: str, org: str) -> list[tuple[str, str]]:
    """(id, job) of the shared stream's entries of ``org``, oldest first."""
    rows = await store.redis.xrange(stream)
    return [(i, f.get("job", "")) for i, f in rows if f.get("org") == org]


async def _sse(client: httpx.AsyncClient, url: str, headers: dict[str, str], n: int) -> list[Frame]:
    out: list[Frame] = []
    async with client.stream("GET", url, headers=headers) as r, asyncio.timeout(10):
        assert r.status_code == 200
        async for f in frames(r):
            if f.data is not None and f.event is None:
                out.append(f)
                if len(out) == n:
                    break
    return out


async def test_dead_letters_of_an_org_are_its_own_newest_first(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(live, "acme")
    seed(store_sync(store), store.keys, "globex", "dead", 300)
    seed(store_sync(store), store.keys, "acme", "dead", 3)
    seed(store_sync(store), store.keys, "globex", "dead", 300)
    await store.redis.xadd(store.keys.jobs_stream(), {"nojob": "x"})  # a poison entry
    mine = [i for i, _ in await _shared(store, store.keys.dead(), "acme")][::-1]

    first = (await live.get("/v1/dead-letters", params={"limit": 2}, headers=acme)).json()
    assert [d["id"] for d in first] == mine[:2]
    assert {d["org_id"] for d in first} == {"acme"}
    rest = await live.get(
        "/v1/dead-letters", params={"limit": 5, "before": first[-1]["id"]}, headers=acme
    )
    assert [d["id"] for d in rest.json()] == mine[2:]
    as_operator = await live.get("/v1/dead-letters", params={"org_id": "acme"}, headers=ADMIN)
    assert [d["id"] for d in as_operator.json()] == mine
    everything = await live.get("/v1/dead-letters", params={"limit": 500}, headers=ADMIN)
    assert len(everything.json()) == 500  # the operator's view is every org's


async def test_events_of_an_org_from_the_first_id_are_its_own_in_order(
    live: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(live, "acme"), await org_token(live, "globex")
    for org in ("globex", "acme", "globex", "acme"):
        await live.post("/v1/jobs", json=job_body(), headers=acme if org == "acme" else globex)
        seed(store_sync(store), store.keys, "globex", "events", 200)
    await _run_all(store)
    mine = await _shared(store, store.keys.events(), "acme")
    assert len(mine) == 8  # queued, scheduled, running, passed of two jobs

    got = await _sse(live, "/v1/events?last_event_id=0-0", acme, len(mine))
    assert [(f.id, f.data["job_id"]) for f in got] == mine
    resumed = await _sse(live, f"/v1/events?last_event_id={mine[3][0]}", acme, 4)
    assert [f.id for f in resumed] == [i for i, _ in mine[4:]]

    job_id = mine[-1][1]
    own = [i for i, j in mine if j == job_id]
    of_job = await _sse(live, f"/v1/jobs/{job_id}/events?last_event_id=0-0", acme, len(own))
    assert [f.id for f in of_job] == own
    (oldest,) = await _sse(live, "/v1/events?last_event_id=0-0", ADMIN, 1)
    assert oldest.data["org_id"] == "globex"  # the operator's stream is every org's
    scoped = await _sse(live, "/v1/events?last_event_id=0-0&org_id=acme", ADMIN, len(mine))
    assert [f.id for f in scoped] == [i for i, _ in mine]


def store_sync(store: Store) -> redis.Redis:
    """A blocking client on the test's Redis (the seeder is a plain script caller)."""
    kwargs = store.redis.connection_pool.connection_kwargs
    return redis.Redis(host=kwargs["host"], port=kwargs["port"], db=kwargs.get("db", 0))
