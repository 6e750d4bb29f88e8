"""Redis round trips per job on the hot path, per stage, counted on the wire.

A platform of its own (AOF off) whose services reach Redis through
:class:`~bench.throughput.rtproxy.CountingProxy`, one port per role. Three windows are
counted: an idle one (what the services spend with no work, per second), an end-to-end run
submitted like the main one (batches through the store), and a run of single
``POST /v1/jobs`` requests. Each window lasts until every job ended and every worker waits
for work again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.throughput.config import BenchConfig
from bench.throughput.loadgen import run_load
from bench.throughput.phases import job_body
from bench.throughput.progress import say
from bench.throughput.rtproxy import CountingProxy, Tally
from bench.throughput.services import PREFIX, TARGETS, WORKERS_PER_TARGET, BenchPlatform
from bench.throughput.session import JSON, Session, open_session
from bench.throughput.stages import StageOf
from bench.throughput.workload import StoreBatchSubmitter, plan
from qgjob_store import JobStore, Store

ROLES = ["api", "scheduler", "workers", "bench"]


def measure(
    config: BenchConfig, workdir: Path, before_measuring: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """``before_measuring`` runs once the services are up (the bench waits there for the
    previous platform to have stopped)."""
    platform = BenchPlatform(workdir, aof=False)
    proxy: CountingProxy | None = None
    try:
        platform.start_redis()
        proxy = CountingProxy(platform.redis_server.port, ROLES, StageOf(platform.keys))
        urls = {role: f"redis://127.0.0.1:{port}/0" for role, port in proxy.start().items()}
        platform.start_services(urls)
        before_measuring()
        say(f"  services ready, pids {platform.pid_list()}")
        out = asyncio.run(_windows(platform, proxy, urls["bench"], config))
        return {**out, "pids": platform.pids()}
    finally:
        platform.stop()
        if proxy is not None:
            proxy.stop()


async def _windows(
    platform: BenchPlatform, proxy: CountingProxy, bench_url: str, config: BenchConfig
) -> dict[str, Any]:
    async with open_session(platform, config) as s:
        started = time.monotonic()
        with proxy.window() as idle:
            await asyncio.sleep(config.idle_window_s)  # a measuring window, not a wait
        idle_s = time.monotonic() - started

        counted = Store.open(bench_url, prefix=PREFIX)
        try:
            with proxy.window() as batch:
                n_batch = await _batch_run(s, JobStore(counted))
        finally:
            await counted.close()

        with proxy.window() as single:
            n_single = await _single_run(s)

    return {
        "how": "counted on the wire by a proxy in front of Redis, one port per service role; "
        "a round trip is one burst of commands up to the server's reply (a pipeline is one)",
        "idle_per_s": _per(idle, idle_s),
        "batch": {"jobs": n_batch, **_per(batch, n_batch)},
        "single": {"jobs": n_single, **_per(single, n_single)},
    }


async def _batch_run(s: Session, jobs: JobStore) -> int:
    submitter = StoreBatchSubmitter(jobs)
    submitter.prepare(plan(s.config.rt_jobs, max(1, s.config.rt_jobs // 100), tag="rt"))
    ids = await submitter.submit()
    await _settle(s)
    return len(ids)


async def _single_run(s: Session) -> int:
    bodies = [job_body(1_000_000 + i) for i in range(s.config.rt_single)]

    async def send(http: httpx.AsyncClient, i: int) -> httpx.Response:
        return await http.post("/v1/jobs", content=bodies[i], headers=JSON)

    load = await run_load(
        s.http, send, requests=len(bodies), concurrency=s.config.concurrency, expect=201
    )
    n = len(bodies) - sum(load.errors.values())
    await _settle(s)
    return n


async def _settle(s: Session) -> None:
    """Every job ended and every worker back waiting for work."""
    await s.wait_drained()
    for target in TARGETS:
        await s.wait_idle(target, WORKERS_PER_TARGET)


def _per(tally: Tally, divisor: float) -> dict[str, Any]:
    """Round trips and commands per unit, by stage (all roles together), and the details:
    round trips by role and stage, commands by role, stage and command."""
    stages: Counter[str] = Counter()
    for (_role, stage), n in tally.round_trips.items():
        stages[stage] += n
    commands: Counter[str] = Counter()
    for (_role, stage, _name), n in tally.commands.items():
        commands[stage] += n
    return {
        "round_trips": _divided(stages, divisor),
        "commands": _divided(commands, divisor),
        "round_trips_by_role": _divided(
            Counter({f"{role}/{stage}": n for (role, stage), n in tally.round_trips.items()}),
            divisor,
        ),
        "commands_by_role": _divided(
            Counter({"/".join(key): n for key, n in tally.commands.items()}), divisor
        ),
    }


def _divided(counts: Counter[str], divisor: float) -> dict[str, float]:
    return {k: round(v / divisor, 3) for k, v in sorted(counts.items())}
