"""What the API shows about itself: Location headers that lead somewhere (replays too), no
server paths or store addresses, docs pages only when enabled, error messages that fit the
field, ``Allow`` with every method, and text fields that refuse what cannot be shown."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from qgjob_api.app import create_app
from qgjob_api.openapi import spec
from qgjob_api.settings import ApiSettings
from qgjob_store import Store
from tests.support.redis_server import free_port


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        redis_url="memory://", build_store_dir=tmp_path / "builds", rate_limit_per_s=0
    )


async def _client(settings: ApiSettings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        yield c


@pytest.fixture
async def client(api_settings: ApiSettings, mem_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(api_settings, mem_store):
        yield c


JOB = {"org_id": "acme", "app_version_id": "v1", "test_path": "t.spec.js"}


async def test_a_registered_builds_location_leads_to_it_also_when_unchanged(
    client: httpx.AsyncClient, api_settings: ApiSettings
) -> None:
    form = {"org_id": "acme"}
    body = {"file": ("app.apk", b"PK\x03\x04build", "application/octet-stream")}
    for expected in (201, 200):
        r = await client.post("/v1/apps/v-1", data=form, files=body)
        assert r.status_code == expected, r.text
        followed = await client.get(r.headers["location"])
        assert followed.status_code == 200 and followed.json() == r.json()
        # nothing shown names where the server keeps its files
        assert str(api_settings.build_store_dir.absolute()) not in r.text + followed.text
        assert r.json()["source"].startswith("store:acme/v-1/")


@pytest.mark.parametrize(("path", "body"), [("/v1/jobs", JOB), ("/v1/suites", None)])
async def test_an_idempotent_replay_keeps_the_location(
    client: httpx.AsyncClient, path: str, body: dict[str, str] | None
) -> None:
    body = body or {"org_id": "acme", "app_version_id": "v1", "tests": ["a.spec.js"]}
    headers = {"Idempotency-Key": f"key-{path}"}
    first = await client.post(path, json=body, headers=headers)
    replay = await client.post(path, json=body, headers=headers)
    assert replay.headers.get("idempotent-replayed") == "true"
    assert first.headers["location"] == replay.headers["location"]
    assert (await client.get(replay.headers["location"])).json()["id"] == first.json()["id"]


async def test_readiness_does_not_tell_where_the_store_is(tmp_path: Path) -> None:
    port = free_port()
    store = Store.open(f"redis://127.0.0.1:{port}/0", prefix="t")
    try:
        async for c in _client(ApiSettings(redis_url="memory://"), store):
            r = await c.get("/readyz")
            assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable"
            assert str(port) not in r.text and "127.0.0.1" not in r.text
    finally:
        await store.close()


async def test_docs_pages_are_off_unless_enabled(
    client: httpx.AsyncClient, api_settings: ApiSettings, mem_store: Store
) -> None:
    for page in ("/docs", "/redoc"):
        assert (await client.get(page)).status_code == 404
    assert (await client.get("/openapi.json")).status_code == 200
    async for on in _client(api_settings.model_copy(update={"api_docs": True}), mem_store):
        for page in ("/docs", "/redoc"):
            r = await on.get(page)
            assert r.status_code == 200
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src https://cdn.jsdelivr.net" in csp


@pytest.mark.parametrize(
    ("request_args", "field", "message"),
    [
        (
            {"url": "/v1/jobs", "headers": {"Idempotency-Key": "has space"}, "json": JOB},
            "Idempotency-Key",
            "must be 1-255 printable ASCII characters, without spaces",
        ),
        (
            {"url": "/v1/apps/v1", "data": {"url": "https://x/a.apk", "sha256": "xyz"}},
            "sha256",
            "must be a SHA-256: 64 hexadecimal digits",
        ),
        (
            {"url": "/v1/apps/v1", "data": {"url": "https://x/a.apk", "package": "9"}},
            "package",
            "must be an Android package name like com.acme.app",
        ),
        (
            {"method": "GET", "url": "/v1/groups?cursor=abc"},
            "cursor",
            "must be a cursor as given in next_cursor",
        ),
        (
            {"method": "GET", "url": "/v1/dead-letters?before=abc"},
            "before",
            "must be a stream entry id like 1732795200000-0",
        ),
        (
            {"method": "GET", "url": "/v1/jobs/a%20b"},
            "job_id",
            "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
        ),
    ],
)
async def test_a_pattern_error_says_what_the_field_wants(
    client: httpx.AsyncClient, request_args: dict[str, object], field: str, message: str
) -> None:
    args = {"method": "POST", **request_args}
    r = await client.request(**args)  # type: ignore[arg-type]
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"] == [{"field": field, "message": message}]


def _paths() -> list[tuple[str, set[str]]]:
    out = []
    for path, ops in spec()["paths"].items():
        concrete = path
        for name in ("job_id", "suite_id", "app_version_id", "group_id", "token_id"):
            concrete = concrete.replace("{" + name + "}", "x1")
        concrete = concrete.replace("{worker_id}", "w1").replace("{path}", "log.txt")
        concrete = concrete.replace("{entry_id}", "1-0")
        out.append((concrete, {m.upper() for m in ops}))
    return out


@pytest.mark.parametrize(("path", "methods"), _paths())
async def test_a_405_allows_every_method_of_the_path(
    client: httpx.AsyncClient, path: str, methods: set[str]
) -> None:
    unused = next(m for m in ("PATCH", "PUT", "DELETE", "POST") if m not in methods)
    r = await client.request(unused, path)
    assert r.status_code == 405, r.text
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert allowed - {"HEAD"} == methods


@pytest.mark.parametrize(
    "test_path", ["t\x85.js", "t\x9b.js", "t\u202e.sj", "t\u2066.js", "t\u200f.js", "t\ud800.js"]
)
async def test_a_test_path_refuses_c1_and_bidi_controls(
    client: httpx.AsyncClient, test_path: str
) -> None:
    # raw JSON: httpx cannot encode a lone surrogate, json.dumps escapes it as \\ud800
    json_type = {"Content-Type": "application/json"}
    job = await client.post(
        "/v1/jobs", content=json.dumps({**JOB, "test_path": test_path}), headers=json_type
    )
    suite_body = {"org_id": "acme", "app_version_id": "v1", "tests": [test_path]}
    suite = await client.post("/v1/suites", content=json.dumps(suite_body), headers=json_type)
    for r in (job, suite):
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("name", ["run\x1b[31m", "<script>alert(1)</script>", "a\u202eb", "a>b"])
async def test_names_refuse_controls_and_markup(client: httpx.AsyncClient, name: str) -> None:
    suite = await client.post(
        "/v1/suites",
        json={"org_id": "acme", "app_version_id": "v1", "tests": ["a.js"], "name": name},
    )
    token = await client.post("/v1/admin/tokens", json={"org_id": "acme", "name": name})
    for r in (suite, token):
        assert r.status_code == 422, r.text
        assert [d["field"] for d in r.json()["error"]["details"]] == ["name"]
    fine = await client.post(
        "/v1/suites",
        json={"org_id": "acme", "app_version_id": "v1", "tests": ["a.js"], "name": "nightly #4"},
    )
    assert fine.status_code == 201
