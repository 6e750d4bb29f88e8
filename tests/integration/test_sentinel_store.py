"""The store on a real Sentinel deployment: the client follows the master through a
failover, ``WAIT`` gates acknowledged submissions, and readiness refuses a replica."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import AsyncIterator

import httpx

from qgjob_api.settings import ApiSettings
from qgjob_core.retrying import STORE_ERRORS
from qgjob_store import JobStore, Store
from tests.support.api import ADMIN_TOKEN, in_process
from tests.support.sentinel import SentinelSetup
from tests.support.waiting import async_wait_until

JOB = {"org_id": "qualgent", "app_version_id": "A", "test_path": "t.spec.js", "target": "emulator"}


def _settings(**overrides: object) -> ApiSettings:
    return ApiSettings(admin_token=ADMIN_TOKEN, **overrides)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def _client(settings: ApiSettings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(settings, store) as c:
        c.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        yield c


async def test_acknowledged_submissions_survive_a_master_kill_with_wait(
    sentinel_setup: SentinelSetup, prefix: str
) -> None:
    store = Store.open(sentinel_setup.url, prefix=prefix, wait_replicas=1, wait_timeout_ms=2000)
    try:
        accepted = []
        async with _client(_settings(), store) as api:
            for i in range(20):
                r = await api.post("/v1/jobs", json={**JOB, "test_path": f"t{i}.spec.js"})
                assert r.status_code == 201, r.text
                accepted.append(r.json()["id"])
            sentinel_setup.kill_master()  # right after the last answer
        jobs = JobStore(store)

        async def all_there() -> bool:
            try:
                return all([await jobs.get(j) is not None for j in accepted])
            except STORE_ERRORS:
                return False  # the sentinels have not promoted a replica yet

        # the same client reconnects to the promoted replica and finds every job
        assert await async_wait_until(all_there, timeout=15, what="jobs on the new master")
    finally:
        await store.close()


async def test_wait_refuses_to_acknowledge_what_no_replica_has(
    sentinel_setup: SentinelSetup, prefix: str
) -> None:
    store = Store.open(sentinel_setup.url, prefix=prefix, wait_replicas=1, wait_timeout_ms=300)
    stopped = [r.proc for r in sentinel_setup.replicas if r.proc]
    try:
        async with _client(_settings(), store) as api:
            assert (await api.post("/v1/jobs", json=JOB)).status_code == 201
            for p in stopped:  # replicas that cannot confirm (paused, not dead)
                os.kill(p.pid, signal.SIGSTOP)
            try:
                r = await api.post("/v1/jobs", json={**JOB, "test_path": "late.spec.js"})
            finally:
                for p in stopped:
                    os.kill(p.pid, signal.SIGCONT)
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "store_unavailable"
            assert r.headers["Retry-After"]
    finally:
        await store.close()


async def test_readyz_not_ready_on_a_replica_ready_on_the_master(
    sentinel_setup: SentinelSetup, prefix: str
) -> None:
    replica = sentinel_setup.replicas[0]
    for url, expected in (
        (f"redis://127.0.0.1:{replica.port}/0", 503),
        (f"redis://127.0.0.1:{sentinel_setup.master.port}/0", 200),
        (sentinel_setup.url, 200),
    ):
        store = Store.open(url, prefix=prefix)
        try:
            async with _client(_settings(), store) as api:
                r = await api.get("/readyz")
                assert r.status_code == expected, (url, r.text)
                if expected == 503:
                    assert r.json()["error"]["code"] == "store_unavailable"
                    assert r.headers["Retry-After"]
        finally:
            await store.close()
