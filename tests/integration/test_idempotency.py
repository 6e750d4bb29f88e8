"""``Idempotency-Key``: a retried submission replays the first answer and creates nothing."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest

from qgjob_store import IdempotencyStore, Store
from tests.support.api import job_body, org_token

SUITE = {"app_version_id": "v1", "tests": ["tests/a.spec.js", "tests/b.spec.js"]}


async def _counts(store: Store) -> tuple[int, int]:
    return (
        await store.redis.xlen(store.keys.jobs_stream()),
        await store.redis.zcard(store.keys.idx_all()),
    )


@pytest.mark.parametrize(("path", "body"), [("/v1/jobs", job_body()), ("/v1/suites", SUITE)])
async def test_same_key_and_body_replays_the_first_response(
    sapi: httpx.AsyncClient, store: Store, path: str, body: dict[str, object]
) -> None:
    acme = await org_token(sapi, "acme")
    headers = {**acme, "Idempotency-Key": "ci-run-42"}
    first = await sapi.post(path, json=body, headers=headers)
    assert first.status_code == 201, first.text
    before = await _counts(store)
    again = await sapi.post(path, json=body, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _counts(store) == before  # nothing created
    other = await sapi.post(path, json={**body, "priority": "high"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"
    assert await _counts(store) == before
    # the same key in another org is another key
    globex = {**(await org_token(sapi, "globex")), "Idempotency-Key": "ci-run-42"}
    theirs = await sapi.post(path, json={**body, "priority": "high"}, headers=globex)
    assert theirs.status_code == 201
    fresh = await sapi.post(path, json=body, headers={**acme, "Idempotency-Key": "ci-run-43"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]


@pytest.mark.parametrize(("path", "body"), [("/v1/jobs", job_body()), ("/v1/suites", SUITE)])
async def test_concurrent_retries_create_once(
    sapi: httpx.AsyncClient, store: Store, path: str, body: dict[str, object]
) -> None:
    acme = await org_token(sapi, "acme")
    headers = {**acme, "Idempotency-Key": "same-key"}
    replies = await asyncio.gather(
        *[sapi.post(path, json=body, headers=headers) for _ in range(20)]
    )
    assert {r.status_code for r in replies} == {201}
    assert len({r.json()["id"] for r in replies}) == 1
    created = len(body.get("tests", [None]))  # type: ignore[arg-type]
    assert await _counts(store) == (created, created)


async def test_a_claim_left_by_a_crash_completes_with_the_same_ids(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    """A request that died after claiming the key is finished by its retry, naming the same
    records (ids come from the key), so nothing is created twice."""
    acme = await org_token(sapi, "acme")
    first = await sapi.post("/v1/jobs", json=job_body(), headers={**acme, "Idempotency-Key": "k"})
    (scope,) = [k async for k in store.redis.scan_iter(match=store.keys.idempotency("job:acme:*"))]
    raw = await store.redis.get(scope)
    claim = orjson.loads(raw)
    await store.redis.set(scope, orjson.dumps({"fp": claim["fp"], "ms": claim["ms"]}), keepttl=True)
    retried = await sapi.post("/v1/jobs", json=job_body(), headers={**acme, "Idempotency-Key": "k"})
    assert retried.status_code == 201
    assert retried.json()["id"] == first.json()["id"]
    assert await _counts(store) == (1, 1)
    assert IdempotencyStore(store).ttl_s == 24 * 3600
    assert 0 < await store.redis.ttl(scope) <= 24 * 3600
