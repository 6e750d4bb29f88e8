"""``GET /v1/stats`` shows an org the durations learned from its own runs only: another
org's install times, test durations and number of tests known stay hidden from it."""

from __future__ import annotations

import httpx

from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed
from tests.support.api import ADMIN, job_body, org_token


async def _run_passing(sapi: httpx.AsyncClient, store: Store, headers: dict[str, str]) -> None:
    """Two tests of the token's org, installed and run to a pass on an emulator."""
    ids = []
    for path in ("tests/login.spec.js", "tests/cart.spec.js"):
        r = await sapi.post("/v1/jobs", json=job_body(test_path=path), headers=headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.record_install(lease, installed=True, seconds=2.5, versions=["v1"])
    for job_id in ids:
        assert (await ws.start(lease, job_id)).ok
        assert await ws.finish(lease, job_id, passed()) == "passed"
    await ws.close(lease)


async def test_stats_durations_are_those_of_the_callers_org(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    await _run_passing(sapi, store, acme)

    theirs = (await sapi.get("/v1/stats", headers=globex)).json()["durations"]
    assert theirs == {"install_s": {}, "test_s": {}, "tests_known": 0}

    own = (await sapi.get("/v1/stats", headers=acme)).json()["durations"]
    assert own["tests_known"] == 2
    assert own["install_s"] == {"emulator": 2.5}
    assert set(own["test_s"]) == {"emulator"}

    everyone = (await sapi.get("/v1/stats", headers=ADMIN)).json()["durations"]
    assert everyone["tests_known"] == 2 and everyone["install_s"] == {"emulator": 2.5}
    scoped = (await sapi.get("/v1/stats", params={"org_id": "globex"}, headers=ADMIN)).json()
    assert scoped["durations"]["tests_known"] == 0
