"""``/v1/stats`` per org and for operators, and the Prometheus text at ``/metrics``."""

from __future__ import annotations

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import (
    dispatch_and_acquire,
    give,
    group_all,
    passed,
    scheduler_reader,
)
from tests.support.api import ADMIN, job_body, org_token


async def test_stats_of_an_org_and_of_the_platform(sapi: httpx.AsyncClient, store: Store) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    for i in range(4):
        body = job_body(test_path=f"tests/{i}.js", max_attempts=2)
        await sapi.post("/v1/jobs", json=body, headers=acme)
    await sapi.post("/v1/jobs", json=job_body(target="device"), headers=globex)
    (acme_group, globex_group) = await group_all(store)
    lease = await dispatch_and_acquire(store, acme_group)
    ws = WorkerStore(store, "w1", "emulator")
    await ws.record_install(lease, installed=True, seconds=0.2, versions=["v1"])
    outcomes = [passed(), passed(), JobResult(outcome=Outcome.FAILED)]
    for job, result in zip(lease.jobs, outcomes, strict=False):
        assert (await ws.start(lease, job.id)).ok
        await ws.finish(lease, job.id, result)
    await ws.start(lease, lease.jobs[3].id)
    await ws.finish(lease, lease.jobs[3].id, JobResult(outcome=Outcome.ERROR, message="x"))
    await ws.heartbeat("busy", ttl_ms=10_000)
    await WorkerStore(store, "w2", "device").heartbeat("idle", ttl_ms=10_000)
    await store.redis.hset(store.keys.worker("w3"), mapping={"id": "w3", "state": "idle"})
    await store.redis.sadd(store.keys.workers(), "w3")  # registered, heartbeat gone: lost

    mine = (await sapi.get("/v1/stats", headers=acme)).json()
    assert mine["jobs_by_status"] == {
        "queued": 0,
        "scheduled": 0,
        "running": 0,
        "passed": 2,
        "failed": 1,
        "error": 1,
        "dead": 0,
        "cancelled": 0,
    }
    assert mine["jobs_by_target"] == {
        "emulator": {
            "queued": 0,
            "scheduled": 0,
            "running": 0,
            "passed": 2,
            "failed": 1,
            "error": 1,
        }
    }
    assert (mine["installs_done"], mine["groups_formed"], mine["retries"]) == (1, 1, 1)
    assert mine["jobs_per_minute"] == 3 / 5  # 3 finished within the last five minutes
    assert 0 <= mine["queue_wait_p50_s"] <= mine["queue_wait_p95_s"] < 5

    ops = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert ops["jobs_by_status"]["scheduled"] == 1  # globex's job: global counters too
    assert ops["groups_formed"] == 2 and ops["installs_done"] == 1
    assert ops["workers_by_state"] == {
        "idle": 1,
        "busy": 1,
        "draining": 0,
        "lost": 1,
        "unhealthy": 0,
    }
    # each group's assignment entry is pending: globex's device group under the holding
    # consumer (it waits for a worker), acme's under w1 (which holds it)
    assert ops["queues"]["device"] == {"depth": 1, "lag": 0, "pending": 1, "waiting_groups": 1}
    assert ops["queues"]["emulator"] == {"depth": 1, "lag": 0, "pending": 1, "waiting_groups": 0}
    assert ops["queues"]["jobs"] == {"depth": 0, "lag": 0, "pending": 0, "waiting_groups": 0}
    # given to the device worker (its entry moves into w2's pending list): no longer waiting
    assert await give(store, globex_group, "w2") == [globex_group]
    ops = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert ops["queues"]["device"] == {"depth": 1, "lag": 0, "pending": 1, "waiting_groups": 0}
    await sapi.post("/v1/jobs", json=job_body(), headers=acme)
    ops = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert ops["queues"]["jobs"] == {"depth": 1, "lag": 1, "pending": 0, "waiting_groups": 0}
    await scheduler_reader(store).read(block=False)  # read, not grouped
    ops = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert ops["queues"]["jobs"] == {"depth": 1, "lag": 0, "pending": 1, "waiting_groups": 0}
    only_globex = (await sapi.get("/v1/stats?org_id=globex", headers=ADMIN)).json()
    assert only_globex["jobs_by_status"]["scheduled"] == 1
    assert sum(only_globex["jobs_by_status"].values()) == 1


async def test_metrics_in_prometheus_text(sapi: httpx.AsyncClient, store: Store) -> None:
    acme = await org_token(sapi, "acme")
    await sapi.post("/v1/jobs", json=job_body(), headers=acme)
    await sapi.get("/v1/jobs/NOPE", headers=acme)
    r = await sapi.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert (
        'qgjob_http_request_duration_seconds_count{method="POST",route="/v1/jobs",status="201"} 1.0'
        in text
    )
    assert 'route="/v1/jobs/{job_id}",status="404"' in text
    assert 'qgjob_jobs{status="queued"} 1.0' in text
    assert 'qgjob_queue_depth{stream="jobs"} 1.0' in text
    for name in ("qgjob_installs_total", "qgjob_retries_total", "qgjob_dead_letters_total"):
        assert name in text
