"""The API in-process with authentication on, and helpers to act as an operator or an org."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from qgjob_api.app import create_app
from qgjob_api.server import make_server, wait_started
from qgjob_api.settings import ApiSettings
from qgjob_store import Store
from tests.support.platform import ADMIN_TOKEN
from tests.support.redis_server import free_port

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def secured(**overrides: Any) -> ApiSettings:
    """Settings with the operator token set (so org tokens are required)."""
    return ApiSettings(admin_token=ADMIN_TOKEN, **overrides)


@contextlib.asynccontextmanager
async def in_process(settings: ApiSettings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """The app called in-process (no socket): fast, but buffers streamed responses."""
    app = create_app(settings, store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        yield c


@contextlib.asynccontextmanager
async def served(settings: ApiSettings, store: Store) -> AsyncIterator[str]:
    """The app served by uvicorn on a free local port in this process; yields its URL."""
    port = free_port()
    server = make_server(create_app(settings, store), "127.0.0.1", port)
    task = asyncio.create_task(server.serve())
    try:
        await wait_started(server, task)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


async def org_token(client: httpx.AsyncClient, org: str) -> dict[str, str]:
    """Headers carrying a new API token of ``org`` (created with the operator token)."""
    r = await client.post("/v1/admin/tokens", json={"org_id": org}, headers=ADMIN)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def job_body(org: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"app_version_id": "v1", "test_path": "tests/login.spec.js"}
    if org:
        body["org_id"] = org
    return {**body, **changes}
