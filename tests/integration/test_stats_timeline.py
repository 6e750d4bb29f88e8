"""``GET /v1/stats/timeline``: finished jobs per minute by status, per org and for operators,
and the ``target`` and ``suite_id`` filters of ``GET /v1/jobs`` (both behind the dashboard)."""

from __future__ import annotations

import itertools
import time
from datetime import datetime

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed
from tests.support.api import ADMIN, job_body, org_token


def totals(timeline: dict[str, object]) -> dict[str, int]:
    points = timeline["points"]
    assert isinstance(points, list)
    keys = ("finished", "passed", "failed", "dead", "cancelled")
    return {k: sum(p[k] for p in points) for k in keys}


async def test_finished_jobs_per_minute_by_status(sapi: httpx.AsyncClient, store: Store) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    for i in range(4):
        body = job_body(test_path=f"tests/{i}.js", max_attempts=1)
        assert (await sapi.post("/v1/jobs", json=body, headers=acme)).status_code == 201
    doomed = (await sapi.post("/v1/jobs", json=job_body(), headers=globex)).json()["id"]
    (acme_group, _) = await group_all(store)
    lease = await dispatch_and_acquire(store, acme_group)
    ws = WorkerStore(store, "w1", "emulator")
    outcomes = [passed(), passed(), JobResult(outcome=Outcome.FAILED)]
    for job, result in zip(lease.jobs, outcomes, strict=False):
        assert (await ws.start(lease, job.id)).ok
        await ws.finish(lease, job.id, result)
    last = lease.jobs[3].id
    assert (await ws.start(lease, last)).ok
    await ws.finish(lease, last, JobResult(outcome=Outcome.ERROR, message="device lost"))
    assert (await sapi.post(f"/v1/jobs/{doomed}/cancel", headers=globex)).status_code == 200

    r = await sapi.get("/v1/stats/timeline", params={"minutes": 5}, headers=acme)
    assert r.status_code == 200, r.text
    mine = r.json()
    assert mine["org_id"] == "acme"
    assert len(mine["points"]) == 5
    assert totals(mine) == {"finished": 4, "passed": 2, "failed": 1, "dead": 1, "cancelled": 0}
    starts = [datetime.fromisoformat(p["at"]).timestamp() for p in mine["points"]]
    assert [b - a for a, b in itertools.pairwise(starts)] == [60.0] * 4
    assert starts[-1] <= time.time() < starts[-1] + 60  # the current minute comes last

    theirs = (await sapi.get("/v1/stats/timeline", headers=globex)).json()
    assert len(theirs["points"]) == 30  # the default
    assert totals(theirs) == {"finished": 1, "passed": 0, "failed": 0, "dead": 0, "cancelled": 1}
    everyone = (await sapi.get("/v1/stats/timeline", headers=ADMIN)).json()
    assert everyone["org_id"] is None
    assert totals(everyone)["finished"] == 5 and totals(everyone)["cancelled"] == 1
    one_org = await sapi.get("/v1/stats/timeline", params={"org_id": "globex"}, headers=ADMIN)
    assert totals(one_org.json())["finished"] == 1


async def test_timeline_refuses_bad_input_and_other_orgs(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    for minutes in (0, 61, "x"):
        r = await sapi.get("/v1/stats/timeline", params={"minutes": minutes}, headers=acme)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "minutes"
    r = await sapi.get("/v1/stats/timeline", params={"org_id": "globex"}, headers=acme)
    assert r.status_code == 403
    assert (await sapi.get("/v1/stats/timeline")).status_code == 401


async def test_jobs_filtered_by_target_and_suite(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    lone = await sapi.post("/v1/jobs", json=job_body(target="device"), headers=acme)
    suite = await sapi.post(
        "/v1/suites",
        json={"app_version_id": "v2", "tests": ["tests/a.js", "tests/b.js"],
              "targets": ["emulator", "device"]},
        headers=acme,
    )  # fmt: skip
    suite_id, suite_jobs = suite.json()["id"], set(suite.json()["job_ids"])

    async def ids(**params: str) -> set[str]:
        r = await sapi.get("/v1/jobs", params=params, headers=acme)
        assert r.status_code == 200, r.text
        return {j["id"] for j in r.json()["items"]}

    devices = await ids(target="device")
    assert lone.json()["id"] in devices and len(devices) == 3
    assert await ids(suite_id=suite_id) == suite_jobs
    both = await ids(suite_id=suite_id, target="device")
    assert len(both) == 2 and both < suite_jobs and both < devices
    assert await ids(suite_id=suite_id, status="passed") == set()
    assert await ids(suite_id="s-none") == set()
    bad = await sapi.get("/v1/jobs", params={"target": "phone"}, headers=acme)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "target"
