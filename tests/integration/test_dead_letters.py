"""Dead letters over the API on the real Redis: a requeued job leaves the list and is listed
once if it dies again; entries are deleted one by one or in bulk, requeued in bulk, always
within the token's org; the list names each job's test."""

from __future__ import annotations

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all
from tests.support.api import ADMIN, job_body, org_token


async def kill(store: Store, job_id: str, message: str = "device lost") -> None:
    """Run the queued job once and end it with a final infrastructure error."""
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    assert (await ws.start(lease, job_id)).ok
    err = JobResult(outcome=Outcome.ERROR, message=message)
    assert await ws.finish(lease, job_id, err) == "dead"
    await ws.close(lease)


async def dead_job(
    sapi: httpx.AsyncClient, store: Store, headers: dict[str, str], path: str
) -> str:
    body = job_body(test_path=path, max_attempts=1)
    job_id: str = (await sapi.post("/v1/jobs", json=body, headers=headers)).json()["id"]
    await kill(store, job_id)
    return job_id


async def listed(sapi: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, object]]:
    r = await sapi.get("/v1/dead-letters", headers=headers)
    assert r.status_code == 200, r.text
    letters: list[dict[str, object]] = r.json()
    return letters


async def test_a_requeued_job_that_dies_again_is_listed_once(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme = await org_token(sapi, "acme")
    job_id = await dead_job(sapi, store, acme, "tests/login.spec.js")
    (first,) = await listed(sapi, acme)
    assert first["job_id"] == job_id and first["test_path"] == "tests/login.spec.js"

    r = await sapi.post(f"/v1/dead-letters/{job_id}/requeue", headers=acme)
    assert r.status_code == 200 and r.json()["status"] == "queued"
    assert await listed(sapi, acme) == []  # queued again: no longer a dead letter

    await kill(store, job_id, "device lost again")
    (again,) = await listed(sapi, acme)
    assert again["job_id"] == job_id and again["last_error"] == "device lost again"
    assert again["id"] != first["id"]
    assert await store.redis.xlen(store.keys.dead()) == 1
    assert await store.redis.xlen(store.keys.dead("acme")) == 1  # the org's copy follows

    # the per-minute figures count the job once, by its latest result, as the status counts do
    timeline = (await sapi.get("/v1/stats/timeline?minutes=5", headers=acme)).json()
    assert sum(p["dead"] for p in timeline["points"]) == 1
    assert sum(p["finished"] for p in timeline["points"]) == 1
    stats = (await sapi.get("/v1/stats", headers=acme)).json()
    assert stats["jobs_by_status"]["dead"] == 1


async def test_delete_one_entry_only_within_the_org(sapi: httpx.AsyncClient, store: Store) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    theirs = await dead_job(sapi, store, globex, "tests/theirs.spec.js")
    (entry,) = await listed(sapi, globex)

    # another org's entry answers like one that does not exist, and stays
    r = await sapi.delete(f"/v1/dead-letters/{entry['id']}", headers=acme)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (await sapi.delete("/v1/dead-letters/1-0", headers=globex)).status_code == 404
    assert (await sapi.delete("/v1/dead-letters/not-an-id", headers=globex)).status_code == 404
    assert [d["id"] for d in await listed(sapi, globex)] == [entry["id"]]

    assert (await sapi.delete(f"/v1/dead-letters/{entry['id']}", headers=globex)).status_code == 204
    assert await listed(sapi, globex) == []
    assert await store.redis.xlen(store.keys.dead("globex")) == 0
    job = (await sapi.get(f"/v1/jobs/{theirs}", headers=globex)).json()
    assert job["status"] == "dead"  # deleting the entry runs nothing


async def test_bulk_requeue_and_purge_take_the_selection_of_the_org(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    a1 = await dead_job(sapi, store, acme, "tests/a1.spec.js")
    a2 = await dead_job(sapi, store, acme, "tests/a2.spec.js")
    a3 = await dead_job(sapi, store, acme, "tests/a3.spec.js")
    g1 = await dead_job(sapi, store, globex, "tests/g1.spec.js")
    await store.redis.xadd(store.keys.jobs_stream(), {"garbage": "1"})
    await group_all(store)  # the poison entry is dead-lettered with no org
    entries = {d["job_id"]: d["id"] for d in await listed(sapi, acme)}

    # select by job id and by entry id; a foreign job id is "not found", nothing else moves
    sel = {"ids": [a1, str(entries[a2]), g1]}
    r = await sapi.post("/v1/dead-letters/requeue", json=sel, headers=acme)
    assert r.status_code == 200, r.text
    batch = r.json()
    assert sorted(batch["requeued"]) == sorted([a1, a2])
    assert batch["skipped"] == [{"id": g1, "reason": "no such dead letter"}]
    assert [d["job_id"] for d in await listed(sapi, acme)] == [a3]
    assert [d["job_id"] for d in await listed(sapi, globex)] == [g1]

    # purge all of acme: globex's entry and the poison entry stay
    r = await sapi.post("/v1/dead-letters/purge", json={"all": True}, headers=acme)
    assert r.json()["removed"] == [entries[a3]]
    assert await listed(sapi, acme) == []
    assert (await sapi.get(f"/v1/jobs/{a3}", headers=acme)).json()["status"] == "dead"
    everyone = await listed(sapi, ADMIN)
    assert sorted(str(d["reason"]) for d in everyone) == ["attempts_exhausted", "poison"]

    # an operator's "requeue all" skips the poison entry and says why
    r = await sapi.post("/v1/dead-letters/requeue", json={"all": True}, headers=ADMIN)
    batch = r.json()
    assert batch["requeued"] == [g1]
    assert [s["reason"] for s in batch["skipped"]] == ["poison entry: no job"]


async def test_a_selection_must_be_ids_or_all(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    for body in ({}, {"ids": ["1-0"], "all": True}, {"ids": ["bad id!"]}, {"all": False}):
        r = await sapi.post("/v1/dead-letters/purge", json=body, headers=acme)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "validation_error"
    r = await sapi.post("/v1/dead-letters/purge?org_id=globex", json={"all": True}, headers=acme)
    assert r.status_code == 403


async def test_poison_entries_naming_other_keys_are_listed_and_skipped(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    """A poison entry may name a key that is no job hash: listing and bulk actions go on."""
    await store.redis.set(store.keys.job("str"), "x")
    await store.redis.rpush(store.keys.job("lst"), "x")
    for name in ("str", "lst"):
        await store.redis.xadd(store.keys.dead(), {"job": name, "reason": "poison", "at": "1"})
    listed = await sapi.get("/v1/dead-letters", headers=ADMIN)
    assert listed.status_code == 200 and {d["job_id"] for d in listed.json()} == {"str", "lst"}
    r = await sapi.post("/v1/dead-letters/requeue", json={"all": True}, headers=ADMIN)
    assert r.status_code == 200, r.text
    assert {s["reason"] for s in r.json()["skipped"]} == {"no usable job record"}
    r = await sapi.post("/v1/dead-letters/purge", json={"all": True}, headers=ADMIN)
    assert len(r.json()["removed"]) == 2
