"""Org API tokens and the operator token: who may do what."""

from __future__ import annotations

import httpx

from qgjob_store import Store
from tests.support.api import ADMIN, job_body, org_token


async def test_no_token_or_a_bad_one_is_401(sapi: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        r = await sapi.get("/v1/jobs", headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "unauthorized"
        assert r.headers["WWW-Authenticate"] == "Bearer"
    assert (await sapi.post("/v1/jobs", json=job_body("acme"))).status_code == 401


async def test_an_org_token_submits_for_its_org_only(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    r = await sapi.post("/v1/jobs", json=job_body(), headers=acme)
    assert r.status_code == 201, r.text
    assert r.json()["org_id"] == "acme"  # taken from the token
    assert (await sapi.post("/v1/jobs", json=job_body("acme"), headers=acme)).status_code == 201
    other = await sapi.post("/v1/jobs", json=job_body("globex"), headers=acme)
    assert other.status_code == 403
    assert other.json()["error"] == {
        "code": "forbidden",
        "message": "this token acts for org acme, not globex",
        "details": [],
    }
    listed = await sapi.get("/v1/jobs?org_id=globex", headers=acme)
    assert listed.status_code == 403


async def test_the_operator_names_the_org_or_gets_a_422(sapi: httpx.AsyncClient) -> None:
    r = await sapi.post("/v1/jobs", json=job_body(), headers=ADMIN)
    assert r.status_code == 422
    assert r.json()["error"]["details"] == [{"field": "org_id", "message": "is required"}]
    ok = await sapi.post("/v1/jobs", json=job_body("globex"), headers=ADMIN)
    assert ok.status_code == 201 and ok.json()["org_id"] == "globex"


async def test_tokens_are_stored_hashed_and_revoked_at_once(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    created = await sapi.post(
        "/v1/admin/tokens", json={"org_id": "acme", "name": "ci"}, headers=ADMIN
    )
    assert created.status_code == 201
    token, token_id = created.json()["token"], created.json()["id"]
    raw = [k async for k in store.redis.scan_iter(match=store.keys.token("*"))]
    dumped = [await store.redis.hgetall(k) for k in raw]
    assert dumped and all(token not in str(d) for d in dumped)  # only its hash is a key
    listed = await sapi.get("/v1/admin/tokens", headers=ADMIN)
    assert [(t["id"], t["org_id"], t["name"]) for t in listed.json()] == [(token_id, "acme", "ci")]
    auth = {"Authorization": f"Bearer {token}"}
    assert (await sapi.get("/v1/jobs", headers=auth)).status_code == 200
    assert (await sapi.delete(f"/v1/admin/tokens/{token_id}", headers=ADMIN)).status_code == 204
    assert (await sapi.get("/v1/jobs", headers=auth)).status_code == 401
    again = await sapi.delete(f"/v1/admin/tokens/{token_id}", headers=ADMIN)
    assert again.status_code == 404


async def test_admin_routes_need_the_operator_token(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    r = await sapi.post("/v1/admin/tokens", json={"org_id": "acme"}, headers=acme)
    assert r.status_code == 403
    assert (await sapi.get("/v1/admin/tokens", headers=acme)).status_code == 403
    assert (await sapi.post("/v1/admin/tokens", json={"org_id": "acme"})).status_code == 401


async def test_open_mode_without_an_admin_token(api: httpx.AsyncClient) -> None:
    """Without QGJOB_ADMIN_TOKEN (as `qgjob up` runs) every caller is an operator."""
    r = await api.post("/v1/jobs", json=job_body("acme"))
    assert r.status_code == 201
    assert (await api.get("/v1/jobs")).json()["items"][0]["org_id"] == "acme"
    missing = await api.post("/v1/jobs", json=job_body())
    assert missing.status_code == 422


def test_a_blank_admin_token_is_no_token() -> None:
    from qgjob_api.settings import ApiSettings

    assert ApiSettings(admin_token="  ").admin_token is None
    assert ApiSettings(admin_token="s3cret").admin_token is not None
