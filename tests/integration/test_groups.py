"""``/v1/groups``: groups by org, filtered, and one group with its jobs, workers, timings."""

from __future__ import annotations

import httpx

from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed
from tests.support.api import ADMIN, job_body, org_token


async def test_groups_list_filter_and_detail(sapi: httpx.AsyncClient, store: Store) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    a = [
        (
            await sapi.post("/v1/jobs", json=job_body(test_path=f"tests/a{i}.js"), headers=acme)
        ).json()["id"]
        for i in range(3)
    ]
    await sapi.post("/v1/jobs", json=job_body(app_version_id="v2"), headers=acme)
    await sapi.post("/v1/jobs", json=job_body(target="device"), headers=acme)
    await sapi.post("/v1/jobs", json=job_body(), headers=globex)
    await group_all(store)

    page = (await sapi.get("/v1/groups", headers=acme)).json()
    assert len(page["items"]) == 3 and page["next_cursor"] is None
    assert {g["org_id"] for g in page["items"]} == {"acme"}
    ids = [g["id"] for g in page["items"]]
    assert ids == sorted(ids, key=lambda g: -int(g[1:]))  # newest first
    v1 = (await sapi.get("/v1/groups?app_version_id=v1&target=emulator", headers=acme)).json()
    (group,) = v1["items"]
    assert (group["size"], group["state"], group["installed"]) == (3, "open", None)
    first = (await sapi.get("/v1/groups?limit=1", headers=acme)).json()
    second = (
        await sapi.get(f"/v1/groups?limit=1&cursor={first['next_cursor']}", headers=acme)
    ).json()
    assert first["items"][0]["id"] != second["items"][0]["id"]

    lease = await dispatch_and_acquire(store, group["id"], worker="emulator-7")
    ws = WorkerStore(store, "emulator-7", "emulator")
    await ws.record_install(lease, installed=False, seconds=0.0, versions=["v1"])
    for jid in a:
        await ws.start(lease, jid)
        await ws.finish(lease, jid, passed())
    await ws.close(lease)
    detail = (await sapi.get(f"/v1/groups/{group['id']}", headers=acme)).json()
    assert detail["state"] == "done" and detail["installed"] is False  # reused: install saved
    assert [j["id"] for j in detail["jobs"]] == a
    assert {j["status"] for j in detail["jobs"]} == {"passed"}
    assert detail["workers"] == ["emulator-7"]
    assert detail["wait_s"] is not None and detail["run_s"] is not None
    assert detail["started_at"] and detail["finished_at"] and detail["dispatched_at"]
    done = (await sapi.get("/v1/groups?state=done", headers=acme)).json()["items"]
    assert [g["id"] for g in done] == [group["id"]]
    everyone = (await sapi.get("/v1/groups", headers=ADMIN)).json()["items"]
    assert len(everyone) == 4
    mine = await sapi.get(f"/v1/groups/{group['id']}", headers=globex)
    assert mine.status_code == 404
