"""Fixtures: a real redis-server for integration and end-to-end tests, fakeredis for unit
tests, an in-process API client, and a fresh key prefix per test so tests never collide."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from qgjob_api.app import create_app
from qgjob_api.settings import ApiSettings
from qgjob_store import Store
from tests.support.cluster import ClusterSetup
from tests.support.redis_server import RedisServer
from tests.support.sentinel import SentinelSetup


def _docker_redis() -> Iterator[str] | None:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
    except Exception:
        return None
    from testcontainers.redis import RedisContainer

    def gen() -> Iterator[str]:
        with RedisContainer("redis:7.0") as container:
            host = container.get_container_host_ip()
            yield f"redis://{host}:{container.get_exposed_port(6379)}/0"

    return gen()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis: ``REDIS_URL`` when given, a testcontainer where Docker answers, else a
    redis-server started on a free port for this session."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    container = _docker_redis()
    if container is not None:
        yield from container
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def sentinel_setup(tmp_path: Path) -> Iterator[SentinelSetup]:
    """A fresh Sentinel deployment (master, two replicas, three sentinels): tests kill its
    master, so none is shared."""
    setup = SentinelSetup(tmp_path / "sentinel")
    try:
        yield setup.start()
    finally:
        setup.stop()


@pytest.fixture(scope="module")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterSetup]:
    """A real Redis Cluster: three masters, three replicas."""
    setup = ClusterSetup(tmp_path_factory.mktemp("cluster"))
    try:
        yield setup.start()
    finally:
        setup.stop()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def store(redis_url: str, prefix: str) -> AsyncIterator[Store]:
    """A store on the real Redis, under a key prefix of its own."""
    s = Store.open(redis_url, prefix=prefix)
    try:
        yield s
    finally:
        keys = [k async for k in s.redis.scan_iter(match="{" + prefix + "}:*", count=1000)]
        if keys:
            await s.redis.delete(*keys)
        await s.close()


@pytest.fixture
async def mem_store(prefix: str) -> AsyncIterator[Store]:
    """A store on the embedded in-memory Redis (fakeredis), private to this test."""
    s = Store.open(f"memory://{prefix}", prefix=prefix)
    try:
        yield s
    finally:
        await s.close()


async def _client_for(settings: ApiSettings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        yield c


@pytest.fixture
async def mem_api(mem_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process over the embedded store."""
    async for client in _client_for(ApiSettings(redis_url="memory://"), mem_store):
        yield client


@pytest.fixture
async def api(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process over the real Redis."""
    async for client in _client_for(ApiSettings(), store):
        yield client


@pytest.fixture
def out_dir(request: pytest.FixtureRequest) -> Path:
    """A folder for what a test leaves behind (logs, screenshots), under test-output/."""
    path = Path("test-output") / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
