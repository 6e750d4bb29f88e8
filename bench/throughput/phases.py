"""The HTTP phases: single submit, suite submit and status read, each a closed-loop wrk run
from concurrent keep-alive connections, each waiting until the jobs it submitted ended."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import orjson

from bench.throughput.procstats import CpuWindow
from bench.throughput.session import Session, auth_headers
from bench.throughput.workload import (
    BATCH,
    ORGS,
    SUITES_PATH,
    TARGETS,
    plan,
    suite_body,
    suite_endpoint_problem,
)
from bench.throughput.wrk import WrkResult, run_wrk

SUITE_CONCURRENCY = 4
DISTINCT_BODIES = 20_000


def job_body(i: int) -> bytes:
    return orjson.dumps(
        {
            "org_id": f"org-{i % ORGS}",
            "app_version_id": f"submit-v{i % 200:04d}",
            "test_path": f"tests/submit/t{i:06d}.spec.js",
            "target": TARGETS[i % len(TARGETS)],
        }
    )


async def _wrk(
    s: Session,
    kind: str,
    path: str,
    lines: list[str],
    concurrency: int,
) -> tuple[WrkResult, dict[str, Any], int]:
    """A warm-up run (whose jobs are waited for unless the pipeline is paused), then the
    measured one; the CPU it used (per request) and how many jobs the measured run
    created."""
    cfg = s.config

    def run(seconds: int) -> WrkResult:
        return run_wrk(
            s.platform.api_url,
            kind,
            path,
            lines,
            seconds=seconds,
            concurrency=concurrency,
            headers=auth_headers(),
        )

    if cfg.warmup_seconds:
        await asyncio.to_thread(run, cfg.warmup_seconds)
        if not s.platform.paused:
            await s.wait_drained()
    jobs_before = await s.jobs_in_store()
    cpu = CpuWindow(s.platform.pids()).start()
    result = await asyncio.to_thread(run, cfg.http_seconds)
    use = cpu.stop()
    created = await s.jobs_in_store() - jobs_before
    return result, use.figures(result.requests), created


async def single_submit(s: Session) -> dict[str, Any]:
    """``POST /v1/jobs`` from ``concurrency`` connections; then, unless the scheduler and
    workers are paused, wait until those jobs ended."""
    bodies = [job_body(i).decode() for i in range(DISTINCT_BODIES)]
    result, cpu, created = await _wrk(s, "post", "/v1/jobs", bodies, s.config.concurrency)
    drained = None if s.platform.paused else await s.wait_drained()
    return {
        **result.summary(),
        "concurrency": s.config.concurrency,
        "jobs_created": created,
        "drained_after_s": drained,
        **cpu,
    }


async def suite_submit(s: Session) -> dict[str, Any]:
    """``POST /v1/suites`` with :data:`BATCH` jobs per request, when the API has it. Its jobs
    are not waited for: it runs last, with the scheduler and workers paused."""
    problem = suite_endpoint_problem(await s.openapi())
    if problem is not None:
        return {"na": problem}
    suites = plan(200 * BATCH, 200, tag="suite")
    bodies = [orjson.dumps(suite_body(x)).decode() for x in suites]
    result, cpu, created = await _wrk(s, "post", SUITES_PATH, bodies, SUITE_CONCURRENCY)
    return {
        "jobs": created,
        "jobs_per_s": round(created / result.seconds, 1) if result.seconds else 0.0,
        "requests": result.summary(),
        "jobs_per_request": BATCH,
        "concurrency": SUITE_CONCURRENCY,
        **cpu,
    }


async def status_read(s: Session, job_ids: list[str]) -> dict[str, Any]:
    """``GET /v1/jobs/{id}`` of finished jobs, ids picked at random, ``concurrency``
    connections."""
    rng = random.Random(9)
    ids = rng.sample(job_ids, min(len(job_ids), 5000))
    result, cpu, _ = await _wrk(s, "get", "/v1/jobs/", ids, s.config.concurrency)
    return {**result.summary(), "concurrency": s.config.concurrency, **cpu}
