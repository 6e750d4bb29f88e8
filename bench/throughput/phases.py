"""The HTTP phases: single submit, suite submit and status read, each under closed-loop load
from concurrent clients, each waiting until the jobs it submitted have ended."""

from __future__ import annotations

import random
from typing import Any

import httpx
import orjson

from bench.throughput.loadgen import run_load
from bench.throughput.procstats import CpuWindow
from bench.throughput.session import JSON, Session
from bench.throughput.workload import (
    BATCH,
    ORGS,
    SUITES_PATH,
    TARGETS,
    plan,
    suite_body,
    suite_endpoint_problem,
    suite_job_ids,
)

SUITE_CONCURRENCY = 4


def job_body(i: int) -> bytes:
    return orjson.dumps(
        {
            "org_id": f"org-{i % ORGS}",
            "app_version_id": f"submit-v{i % 200:04d}",
            "test_path": f"tests/submit/t{i:06d}.spec.js",
            "target": TARGETS[i % len(TARGETS)],
        }
    )


async def single_submit(s: Session) -> dict[str, Any]:
    """``POST /v1/jobs`` from ``concurrency`` clients; then wait until those jobs ended."""
    cfg = s.config
    bodies = [job_body(i) for i in range(cfg.warmup + cfg.submit_requests)]

    async def send(http: httpx.AsyncClient, i: int) -> httpx.Response:
        return await http.post("/v1/jobs", content=bodies[i], headers=JSON)

    cpu = CpuWindow(s.platform.pids()).start()
    load = await run_load(
        s.http,
        send,
        requests=cfg.submit_requests,
        concurrency=cfg.concurrency,
        expect=201,
        warmup=cfg.warmup,
    )
    cores = cpu.stop()
    s.submitted += len(bodies) - sum(load.errors.values())
    await s.wait_drained()
    return {**load.summary(), "concurrency": cfg.concurrency, "cores": cores}


async def suite_submit(s: Session) -> dict[str, Any]:
    """``POST /v1/suites`` with :data:`BATCH` jobs per request, when the API has it."""
    problem = suite_endpoint_problem(await s.openapi())
    if problem is not None:
        return {"na": problem}
    suites = plan(s.config.suite_batches * BATCH, s.config.suite_batches, tag="suite")
    bodies = [orjson.dumps(suite_body(x)) for x in suites]
    job_ids: list[str] = []

    async def send(http: httpx.AsyncClient, i: int) -> httpx.Response:
        r = await http.post(SUITES_PATH, content=bodies[i], headers=JSON)
        if r.status_code < 300:
            job_ids.extend(suite_job_ids(r.json()))
        return r

    cpu = CpuWindow(s.platform.pids()).start()
    load = await run_load(
        s.http, send, requests=len(bodies), concurrency=SUITE_CONCURRENCY, expect=201
    )
    cores = cpu.stop()
    s.submitted += len(job_ids)
    await s.wait_drained()
    summary = load.summary()
    return {
        "jobs": len(job_ids),
        "jobs_per_s": round(len(job_ids) / load.seconds, 1) if load.seconds else 0.0,
        "requests": summary,
        "jobs_per_request": BATCH,
        "concurrency": SUITE_CONCURRENCY,
        "cores": cores,
    }


async def status_read(s: Session, job_ids: list[str]) -> dict[str, Any]:
    """``GET /v1/jobs/{id}`` of finished jobs, in random order, from ``concurrency`` clients."""
    cfg = s.config
    rng = random.Random(9)
    picks = [rng.choice(job_ids) for _ in range(cfg.warmup + cfg.status_requests)]

    async def send(http: httpx.AsyncClient, i: int) -> httpx.Response:
        return await http.get(f"/v1/jobs/{picks[i]}")

    cpu = CpuWindow(s.platform.pids()).start()
    load = await run_load(
        s.http,
        send,
        requests=cfg.status_requests,
        concurrency=cfg.concurrency,
        expect=200,
        warmup=cfg.warmup,
    )
    return {**load.summary(), "concurrency": cfg.concurrency, "cores": cpu.stop()}
