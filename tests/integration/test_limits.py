"""Rate limits, the cap on unfinished jobs and the body size limit, per org, in Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from qgjob_store import Store
from tests.support.api import ADMIN, in_process, job_body, org_token, secured


async def test_rate_limit_is_a_429_with_retry_after_per_org(store: Store) -> None:
    async with in_process(secured(rate_limit_per_s=1, rate_limit_burst=5), store) as api:
        acme, globex = await org_token(api, "acme"), await org_token(api, "globex")
        codes = [(await api.get("/v1/jobs", headers=acme)).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5
        assert 429 in codes[5:]
        limited = await api.get("/v1/jobs", headers=acme)
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        # another org has its own bucket, and the operator is not limited
        assert (await api.get("/v1/jobs", headers=globex)).status_code == 200
        assert all(
            [(await api.get("/v1/jobs", headers=ADMIN)).status_code == 200 for _ in range(10)]
        )


async def test_the_bucket_is_shared_and_atomic_across_concurrent_requests(store: Store) -> None:
    """Two app instances on one Redis (two API replicas) share the bucket."""
    settings = secured(rate_limit_per_s=0.01, rate_limit_burst=10)
    async with in_process(settings, store) as one, in_process(settings, store) as two:
        acme = await org_token(one, "acme")
        calls = [c.get("/v1/jobs", headers=acme) for c in (one, two) for _ in range(15)]
        codes = [r.status_code for r in await asyncio.gather(*calls)]
    assert codes.count(200) == 10 and codes.count(429) == 20


async def test_unfinished_jobs_are_capped_per_org(store: Store) -> None:
    async with in_process(secured(max_unfinished_per_org=3), store) as api:
        acme, globex = await org_token(api, "acme"), await org_token(api, "globex")
        for _ in range(3):
            assert (await api.post("/v1/jobs", json=job_body(), headers=acme)).status_code == 201
        r = await api.post("/v1/jobs", json=job_body(), headers=acme)
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "quota_exceeded"
        assert "at most 3" in r.json()["error"]["message"]
        assert r.headers["Retry-After"]
        suite = {"app_version_id": "v1", "tests": ["tests/a.spec.js"]}
        assert (await api.post("/v1/suites", json=suite, headers=acme)).status_code == 429
        assert (await api.post("/v1/jobs", json=job_body(), headers=globex)).status_code == 201
        big = {"app_version_id": "v1", "tests": [f"tests/{i}.spec.js" for i in range(3)]}
        over = await api.post(
            "/v1/suites", json={**big, "targets": ["emulator", "device"]}, headers=globex
        )
        assert over.status_code == 429  # 1 + 6 > 3: the whole suite is refused
        jobs = (await api.get("/v1/jobs", headers=globex)).json()["items"]
        assert len(jobs) == 1  # nothing of the refused suite was stored
        cancelled = await api.post(f"/v1/jobs/{jobs[0]['id']}/cancel", headers=globex)
        assert cancelled.json()["status"] == "cancelled"
        assert (await api.post("/v1/suites", json=big, headers=globex)).status_code == 201


async def test_a_body_over_the_limit_is_a_413(store: Store) -> None:
    async with in_process(secured(max_body_bytes=2048), store) as api:
        acme = await org_token(api, "acme")
        big = job_body(test_path="tests/" + "a" * 3000 + ".spec.js")
        r = await api.post("/v1/jobs", json=big, headers=acme)
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "payload_too_large"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            yield b'{"app_version_id": "v1", "test_path": "tests/'
            for _ in range(10):
                yield b"a" * 500
            yield b'.spec.js"}'

        streamed = await api.post("/v1/jobs", content=chunks(), headers=acme)
        assert streamed.status_code == 413
        assert (await api.get("/v1/jobs", headers=acme)).json()["items"] == []
        ok = await api.post("/v1/jobs", json=job_body(), headers=acme)
        assert ok.status_code == 201


async def test_bad_idempotency_keys_and_ids_are_422s(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    r = await sapi.post("/v1/jobs", json=job_body(), headers={**acme, "Idempotency-Key": "x" * 300})
    assert r.status_code == 422
    dl = await sapi.get("/v1/dead-letters?before=99999999999999999999-0", headers=acme)
    assert dl.status_code == 422 and dl.json()["error"]["details"][0]["field"] == "before"
