"""``GET /v1/workers``: the registry as operators see it, on a real Redis."""

from __future__ import annotations

import httpx

from qgjob_store import Store, WorkerStore
from tests.integration.helpers import give, group_all, register, submit
from tests.support.api import ADMIN, org_token
from tests.support.waiting import async_wait_until


async def test_workers_show_state_group_versions_and_capacity(
    api: httpx.AsyncClient, store: Store
) -> None:
    await register(store, "emu-1", versions=("A", "B"))
    await register(store, "emu-2", capacity=4)
    await register(store, "dev-1", target="device")
    await submit(store, 2, app="A")
    (gid,) = await group_all(store)
    assert await give(store, gid, "emu-1") == [gid]
    await WorkerStore(store, "dev-1", "device").heartbeat("draining", ttl_ms=60_000)

    r = await api.get("/v1/workers")
    assert r.status_code == 200
    by_id = {w["id"]: w for w in r.json()}
    assert list(by_id) == ["dev-1", "emu-1", "emu-2"]  # by target, then id
    assert by_id["emu-1"]["state"] == "busy"
    assert by_id["emu-1"]["group_id"] == gid
    assert by_id["emu-1"]["installed_versions"] == ["A", "B"]
    assert by_id["emu-2"] | {"last_heartbeat": None} == {
        "id": "emu-2",
        "target": "emulator",
        "state": "idle",
        "group_id": None,
        "group_ids": [],
        "installed_versions": [],
        "last_heartbeat": None,
        "capacity": 4,
        "health_detail": None,
    }
    assert by_id["emu-2"]["last_heartbeat"] is not None
    assert by_id["dev-1"]["state"] == "draining"

    only = await api.get("/v1/workers", params={"target": "emulator", "state": "idle"})
    assert [w["id"] for w in only.json()] == ["emu-2"]
    one = await api.get("/v1/workers/emu-1")
    assert one.status_code == 200 and one.json()["group_ids"] == [gid]


async def test_a_worker_without_a_fresh_heartbeat_is_lost(
    api: httpx.AsyncClient, store: Store
) -> None:
    await WorkerStore(store, "emu-9", "emulator").heartbeat("idle", ttl_ms=100)

    async def state() -> str | None:
        s = (await api.get("/v1/workers/emu-9")).json()["state"]
        return s if s == "lost" else None

    assert await async_wait_until(state, timeout=5, what="the heartbeat to expire") == "lost"


async def test_bad_queries_are_clear_errors(api: httpx.AsyncClient) -> None:
    missing = await api.get("/v1/workers/nobody")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    bad = await api.get("/v1/workers", params={"target": "toaster"})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "target"
    assert (await api.get("/v1/workers/bad id")).status_code == 422


async def test_an_org_sees_only_its_own_groups_on_shared_workers(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    await register(store, "emu-1", versions=("A",))
    await register(store, "emu-2", versions=("G",))
    await submit(store, 1, app="A", org="acme")
    await submit(store, 1, app="G", org="globex")
    acme_gid, globex_gid = await group_all(store)
    assert await give(store, acme_gid, "emu-1") == [acme_gid]
    assert await give(store, globex_gid, "emu-2") == [globex_gid]

    assert (await sapi.get("/v1/workers")).status_code == 401
    seen = {w["id"]: w for w in (await sapi.get("/v1/workers", headers=acme)).json()}
    assert (seen["emu-1"]["group_ids"], seen["emu-1"]["state"]) == ([acme_gid], "busy")
    assert seen["emu-2"]["group_ids"] == []  # busy with globex's group, which acme cannot see
    assert seen["emu-2"]["group_id"] is None
    assert all(w["installed_versions"] == [] for w in seen.values())
    one = (await sapi.get("/v1/workers/emu-2", headers=globex)).json()
    assert one["group_ids"] == [globex_gid]
    ops = {w["id"]: w for w in (await sapi.get("/v1/workers", headers=ADMIN)).json()}
    assert ops["emu-2"]["installed_versions"] == ["G"]
