"""Suites: up to 5,000 jobs in one request, stored in batches, with their progress."""

from __future__ import annotations

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed
from tests.support.api import org_token


async def _evalsha_calls(store: Store) -> int:
    info = await store.redis.info("commandstats")
    return int(info.get("cmdstat_evalsha", {}).get("calls", 0))


async def test_a_suite_of_5000_jobs_takes_five_round_trips(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(sapi, "acme")
    tests = [f"tests/t{i}.spec.js" for i in range(2500)]
    body = {"app_version_id": "v7", "tests": tests, "targets": ["emulator", "device"]}
    warm = {"app_version_id": "v0", "tests": ["tests/warm.spec.js"]}
    await sapi.post("/v1/suites", json=warm, headers=acme)  # scripts loaded (NOSCRIPT counts)
    before = await _evalsha_calls(store)
    r = await sapi.post("/v1/suites", json=body, headers=acme)
    calls = await _evalsha_calls(store) - before
    assert r.status_code == 201, r.text
    suite = r.json()
    assert suite["total"] == 5000 and len(set(suite["job_ids"])) == 5000
    assert calls == 1 + 5  # the rate limit, then one submit per batch of 1,000
    assert suite["counts"] == {"queued": 5000}
    assert suite["finished"] is False and suite["passed"] is False
    assert await store.redis.xlen(store.keys.jobs_stream()) == 5001
    job = (await sapi.get(f"/v1/jobs/{suite['job_ids'][-1]}", headers=acme)).json()
    assert (job["suite_id"], job["target"], job["test_path"]) == (
        suite["id"],
        "device",
        "tests/t2499.spec.js",
    )
    too_many = {**body, "tests": [*tests, "tests/x.spec.js"]}
    refused = await sapi.post("/v1/suites", json=too_many, headers=acme)
    assert refused.status_code == 422
    assert "at most 5000 jobs" in refused.json()["error"]["message"]


async def test_suite_progress_finished_and_passed(sapi: httpx.AsyncClient, store: Store) -> None:
    acme = await org_token(sapi, "acme")
    body = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}
    suite = (await sapi.post("/v1/suites", json=body, headers=acme)).json()
    a, b = suite["job_ids"]
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.start(lease, a)
    got = (await sapi.get(f"/v1/suites/{suite['id']}", headers=acme)).json()
    assert got["counts"] == {"running": 1, "scheduled": 1}
    await ws.finish(lease, a, passed())
    await ws.start(lease, b)
    await ws.finish(lease, b, JobResult(outcome=Outcome.FAILED))
    got = (await sapi.get(f"/v1/suites/{suite['id']}", headers=acme)).json()
    assert got["counts"] == {"passed": 1, "failed": 1}
    assert got["finished"] is True and got["passed"] is False
    assert await ws.close(lease) is None
    other_build = {**body, "app_version_id": "v2"}
    green = (await sapi.post("/v1/suites", json=other_build, headers=acme)).json()
    for gid in await group_all(store):
        lease = await dispatch_and_acquire(store, gid)
        for jid in green["job_ids"]:
            await ws.start(lease, jid)
            await ws.finish(lease, jid, passed())
    done = (await sapi.get(f"/v1/suites/{green['id']}", headers=acme)).json()
    assert done["counts"] == {"passed": 2}
    assert done["finished"] is True and done["passed"] is True


async def test_a_suite_is_cancelled_in_one_request_safely_again_and_only_by_its_org(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(sapi, "acme")
    globex = await org_token(sapi, "globex")
    tests = ["tests/a.spec.js", "tests/b.spec.js", "tests/c.spec.js"]
    suite = (
        await sapi.post("/v1/suites", json={"app_version_id": "v9", "tests": tests}, headers=acme)
    ).json()
    a, b, c = suite["job_ids"]
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.start(lease, a)
    await ws.finish(lease, a, passed())
    await ws.start(lease, b)  # running: asked to stop; c is waiting: cancelled at once
    path = f"/v1/suites/{suite['id']}/cancel"
    refused = await sapi.post(path, headers=globex)
    assert refused.status_code == 404
    assert (await sapi.get(f"/v1/jobs/{c}", headers=acme)).json()["status"] == "scheduled"

    events_before = await store.redis.xlen(store.keys.events())
    first = await sapi.post(path, headers=acme)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["cancelled"], body["stopping"], body["already_finished"]) == (1, 1, 1)
    assert body["suite"]["counts"] == {"passed": 1, "running": 1, "cancelled": 1}
    running = (await sapi.get(f"/v1/jobs/{b}", headers=acme)).json()
    assert running["status"] == "running" and running["cancel_requested"] is True
    events_after_first = await store.redis.xlen(store.keys.events())
    assert events_after_first - events_before == 2  # c cancelled, b asked to stop

    again = (await sapi.post(path, headers=acme)).json()
    assert (again["cancelled"], again["stopping"], again["already_finished"]) == (0, 1, 2)
    assert await store.redis.xlen(store.keys.events()) == events_after_first  # nothing new
    assert (await sapi.get(f"/v1/jobs/{a}", headers=acme)).json()["status"] == "passed"
    missing = await sapi.post("/v1/suites/sNOSUCH/cancel", headers=acme)
    assert missing.status_code == 404
