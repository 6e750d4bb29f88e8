"""One org can neither read nor infer another's jobs: every read is scoped, and another
org's id answers exactly like an id that does not exist."""

from __future__ import annotations

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all
from tests.support.api import ADMIN, job_body, org_token


async def _dead_job_of(sapi: httpx.AsyncClient, store: Store, headers: dict[str, str]) -> str:
    """A job of the token's org that ran, wrote a log and ended dead."""
    r = await sapi.post("/v1/jobs", json=job_body(max_attempts=1), headers=headers)
    job_id = r.json()["id"]
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.record_install(lease, installed=True, seconds=0.1, versions=["v1"])
    assert (await ws.start(lease, job_id)).ok
    assert await ws.append_log(lease, job_id, "secret output of globex\n", 1)
    err = JobResult(outcome=Outcome.ERROR, message="device lost")
    assert await ws.finish(lease, job_id, err) == "dead"
    await ws.close(lease)
    return job_id


def _shape(r: httpx.Response, the_id: str) -> tuple[int, str]:
    """Status and body with the id and request id taken out."""
    body = r.json()
    body.pop("request_id", None)
    return r.status_code, str(body).replace(the_id, "<id>")


async def test_org_a_can_neither_read_nor_infer_org_b(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    secret = await _dead_job_of(sapi, store, globex)
    suite = await sapi.post(
        "/v1/suites", json={"app_version_id": "v9", "tests": ["tests/a.spec.js"]}, headers=globex
    )
    suite_id = suite.json()["id"]
    group_id = (await sapi.get(f"/v1/jobs/{secret}", headers=globex)).json()["group_id"]
    assert (await sapi.get(f"/v1/jobs/{secret}/logs", headers=globex)).text.startswith("secret")

    # another org's ids answer exactly like ids that do not exist
    for path in (
        "/v1/jobs/{}",
        "/v1/jobs/{}/logs",
        "/v1/jobs/{}/events",
        "/v1/groups/{}",
        "/v1/suites/{}",
        "/v1/suites/{}/events",
    ):
        target = suite_id if "suites" in path else group_id if "groups" in path else secret
        real = path.format(target)
        theirs = await sapi.get(real, headers=acme)
        missing = await sapi.get(path.format("NO-SUCH-ID"), headers=acme)
        assert theirs.status_code == 404, (path, theirs.text)
        assert _shape(theirs, target) == _shape(missing, "NO-SUCH-ID"), path
    for action in ("/v1/jobs/{}/cancel", "/v1/dead-letters/{}/requeue"):
        r = await sapi.post(action.format(secret), headers=acme)
        assert r.status_code == 404, (action, r.text)
    assert (await sapi.get(f"/v1/jobs/{secret}", headers=globex)).json()["status"] == "dead"

    # lists, dead letters, groups and stats of acme show nothing of globex
    assert (await sapi.get("/v1/jobs", headers=acme)).json() == {"items": [], "next_cursor": None}
    assert (await sapi.get("/v1/dead-letters", headers=acme)).json() == []
    assert (await sapi.get("/v1/groups", headers=acme)).json()["items"] == []
    stats = (await sapi.get("/v1/stats", headers=acme)).json()
    assert stats["org_id"] == "acme"
    assert sum(stats["jobs_by_status"].values()) == 0
    assert stats["dead_letters"] == stats["groups_formed"] == stats["installs_done"] == 0
    assert stats["queues"] is None and stats["workers_by_state"] is None
    assert stats["workers_by_target"] is None  # the other orgs' capacity is not acme's to see
    assert stats["jobs_finished_by_target"] == {}
    assert (await sapi.get("/v1/stats?org_id=globex", headers=acme)).status_code == 403

    # globex sees its own; the operator sees both orgs
    mine = (await sapi.get("/v1/stats", headers=globex)).json()
    assert mine["jobs_by_status"]["dead"] == 1 and mine["jobs_by_status"]["queued"] == 1
    assert mine["dead_letters"] == 1 and mine["installs_done"] == 1
    assert [d["job_id"] for d in (await sapi.get("/v1/dead-letters", headers=globex)).json()] == [
        secret
    ]
    assert (await sapi.post("/v1/jobs", json=job_body(), headers=acme)).status_code == 201
    everyone = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert everyone["org_id"] is None and everyone["jobs_by_status"]["queued"] == 2
    assert everyone["queues"] is not None
    orgs = {j["org_id"] for j in (await sapi.get("/v1/jobs", headers=ADMIN)).json()["items"]}
    assert orgs == {"acme", "globex"}
