"""The phases of one size: jobs waiting before the workers start; the drain (pass times,
dispatch rate); the idle farm (CPU, round trips); the busy farm (pickup latency)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from redis.asyncio import Redis

from bench.scale.config import ScaleConfig, Size
from bench.scale.load import worker_id
from bench.scale.platform import ScalePlatform
from bench.throughput.loadgen import percentile
from bench.throughput.pipeline import _newest, _wait_running_then_end
from bench.throughput.procstats import cpu_seconds
from bench.throughput.session import JSON, Session
from bench.throughput.workload import (
    TARGETS,
    StoreBatchSubmitter,
    Suite,
    plan,
)
from qgjob_store import SCHEDULER_GROUP

PICKUP_TARGET = "emulator"
BUSY_ORG = "org-0"


def passes(log: Path, t0: float, t1: float) -> list[dict[str, Any]]:
    """The scheduler's ``dispatch pass`` lines logged between ``t0`` and ``t1`` (epoch
    seconds), in order: ``ms`` (the whole pass), ``given`` (groups), and its parts."""
    out = []
    with log.open("rb") as f:
        for line in f:
            if b'"dispatch pass"' not in line:
                continue
            rec = orjson.loads(line)
            at = datetime.fromisoformat(rec["timestamp"]).timestamp()
            if t0 <= at <= t1:
                out.append(rec)
    return out


def pass_times(log: Path, t0: float, t1: float) -> list[float]:
    """The scheduler's pass times (ms) logged between ``t0`` and ``t1`` (epoch seconds)."""
    return [float(rec["ms"]) for rec in passes(log, t0, t1)]


def dispatch_rates(records: list[dict[str, Any]]) -> dict[str, float]:
    """The scheduler's own dispatch rate in a drain: the first pass that gave groups (the farm
    coming up: every lane free at once, the queue full), and the passes after it (lanes
    coming free as groups end), as groups given per second of pass time."""
    giving = [r for r in records if r.get("given", 0) > 0]
    if not giving:
        return {"burst_groups_per_s": 0.0, "burst_given": 0, "passes_groups_per_s": 0.0}
    first, rest = giving[0], giving[1:]
    rest_ms = sum(float(r["ms"]) for r in rest)
    return {
        "burst_given": int(first["given"]),
        "burst_ms": round(float(first["ms"]), 1),
        "burst_groups_per_s": round(first["given"] / float(first["ms"]) * 1000, 1),
        "passes_given": sum(int(r["given"]) for r in rest),
        "passes_ms": round(rest_ms, 1),
        "passes_groups_per_s": (
            round(sum(int(r["given"]) for r in rest) / rest_ms * 1000, 1) if rest_ms else 0.0
        ),
    }


def spread(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "max_ms": round(max(values, default=0.0), 3),
    }


async def submit_waiting(s: Session, size: Size) -> dict[str, Any]:
    """Submit the size's jobs (one suite per app version, round robin over the targets)
    and wait until the scheduler has grouped them all; no worker runs yet."""
    # the store's batch call (the API's submit script, 500 jobs a call): the fastest way
    # in, so the waiting jobs are there in seconds at every size
    submitter = StoreBatchSubmitter(s.jobs)
    submitter.prepare(plan(size.jobs, size.versions, tag="scale"))
    started = time.monotonic()
    ids = await submitter.submit()
    submitted = time.monotonic() - started
    await wait_grouped(s.redis, s.store.keys.jobs_stream(), within_s=120)
    return {
        "jobs": len(ids),
        "versions": size.versions,
        "submitted_through": submitter.description,
        "submit_s": round(submitted, 2),
        "grouped_s": round(time.monotonic() - started, 2),
    }


async def wait_grouped(r: Redis, stream: str, *, within_s: float) -> None:
    """Until the scheduler's consumer group has read and acked every submission."""
    deadline = time.monotonic() + within_s
    while True:
        groups = await r.xinfo_groups(stream)
        g = next((g for g in groups if g["name"] == SCHEDULER_GROUP), None)
        if g is not None and g["pending"] == 0 and g.get("lag") == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"submissions not grouped after {within_s:g}s: {g}")
        await asyncio.sleep(0.1)


async def drain(s: Session, platform: ScalePlatform, size: Size) -> dict[str, float]:
    """Start the scheduler (paused while the workers came up) and wait until every job
    ended; returns the drain's window."""
    t0 = time.time()
    platform.resume_pipeline()
    waited = await s.wait_drained()
    return {"t0": t0, "t1": time.time(), "seconds": waited, "jobs_per_s": size.jobs / waited}


async def idle_window(
    s: Session, platform: ScalePlatform, n: int, seconds: float
) -> dict[str, Any]:
    """CPU (Redis from INFO cpu, scheduler and API from /proc) and Redis round trips with
    every worker idle and nothing queued, over ``seconds``."""
    await wait_workers(s, n, lambda idle: idle >= n, within_s=60, what="every worker idle")
    pids = platform.pids()
    service_pids = {"scheduler": pids["scheduler"], "api": pids["api"]}
    load_pids = platform.load_pids()

    async def sample() -> tuple[float, dict[str, Any], dict[str, float]]:
        cpu = await s.info("cpu")
        stats = {**await s.info("stats"), "commandstats": await s.info("commandstats")}
        procs = {k: sum(cpu_seconds(p) for p in v) for k, v in service_pids.items()}
        procs["redis"] = cpu["used_cpu_sys"] + cpu["used_cpu_user"]
        procs["load"] = sum(cpu_seconds(p) for p in load_pids)
        return time.monotonic(), stats, procs

    t0 = time.time()
    m0, stats0, cpu0 = await sample()
    await asyncio.sleep(seconds)  # the window measured: nothing to wait for
    m1, stats1, cpu1 = await sample()
    wall = m1 - m0
    cores = {k: round((cpu1[k] - cpu0[k]) / wall * 100, 1) for k in cpu0}
    return {
        "t0": t0,
        "t1": time.time(),
        "seconds": round(wall, 2),
        "cpu_pct_of_core": cores,
        "control_plane_cpu_pct": round(sum(v for k, v in cores.items() if k != "load"), 1),
        "commands_per_s": round(
            (stats1["total_commands_processed"] - stats0["total_commands_processed"]) / wall
        ),
        "reads_per_s": round(
            (stats1["total_reads_processed"] - stats0["total_reads_processed"]) / wall
        ),
        "by_command": by_command(stats0["commandstats"], stats1["commandstats"], wall),
    }


def by_command(before: dict[str, Any], after: dict[str, Any], wall: float) -> list[dict[str, Any]]:
    """Calls and Redis time per second of each command between two ``INFO commandstats``
    (scripts' inner commands are counted under their own names too), busiest first."""
    out = []
    for key, now in after.items():
        was = before.get(key, {"calls": 0, "usec": 0})
        calls, usec = now["calls"] - was["calls"], now["usec"] - was["usec"]
        if calls > 0:
            name = key.removeprefix("cmdstat_")
            out.append(
                {
                    "command": name,
                    "calls_per_s": round(calls / wall),
                    "usec_per_s": round(usec / wall),
                }
            )
    return sorted(out, key=lambda c: -c["usec_per_s"])


async def busy_pickups(s: Session, n: int, config: ScaleConfig) -> dict[str, Any]:
    """Make the farm busy (one long test per worker, but a share of the pickup target's
    workers left free), then submit one job of a new app version at a time through
    ``POST /v1/jobs``: the latency is from sending it to its ``running`` event."""
    per_target = {t: sum(1 for i in range(n) if worker_id(i)[1] == t) for t in TARGETS}
    free = max(1, math.ceil(per_target[PICKUP_TARGET] * config.free_share))
    busy = {t: c - (free if t == PICKUP_TARGET else 0) for t, c in per_target.items()}
    long_test = f"tests/busy/t@{config.busy_test_s:g}s.spec.js"
    suites = [
        Suite(BUSY_ORG, f"busy-{t}-{i:05d}", (t,), (long_test,))
        for t, c in busy.items()
        for i in range(c)
    ]
    submitter = StoreBatchSubmitter(s.jobs)
    submitter.prepare(suites)
    await submitter.submit()
    await wait_workers(
        s, n, lambda idle: idle <= free, within_s=60 + n / 50, what="the farm to be busy"
    )
    # busy means running its tests, not still taking them up: until every long test has
    # started, the farm's acquire, install and start calls (thousands of changes a second
    # at 5,000 workers) would be measured with the pickups
    await wait_running(s, sum(busy.values()), within_s=60 + n / 50)
    events = s.store.keys.events()
    reader = Redis.from_url(
        s.platform.redis_url, decode_responses=True, protocol=2, socket_timeout=10
    )
    t0 = time.time()
    latencies: list[float] = []
    try:
        # each pickup's worker is free again soon after the job ended, and ``free`` workers
        # of the target were left free: no wait for an idle worker between samples
        deadline = time.monotonic() + config.pickup_max_s
        for i in range(config.pickups):
            if time.monotonic() > deadline:
                break
            last = await _newest(reader, events, 1)
            after = last[0][0] if last else "0-0"
            body = orjson.dumps(
                {
                    "org_id": BUSY_ORG,
                    "app_version_id": f"pickup-v{i:04d}",
                    "test_path": f"tests/pickup/t{i:04d}@0ms.spec.js",
                    "target": PICKUP_TARGET,
                }
            )
            sent = time.time()
            r = await s.http.post("/v1/jobs", content=body, headers=JSON)
            r.raise_for_status()
            running = await _wait_running_then_end(reader, events, after, r.json()["id"])
            latencies.append(running - sent)
    finally:
        await reader.aclose()
    ms = [x * 1000 for x in latencies]
    return {
        "t0": t0,
        "t1": time.time(),
        "busy_workers": sum(busy.values()),
        "free_workers": free,
        **spread(ms),
    }


async def wait_running(s: Session, n: int, *, within_s: float) -> None:
    """Until ``n`` jobs are running (the job counters, polled every quarter second)."""
    deadline = time.monotonic() + within_s
    while (running := (await s.jobs_by_status()).get("running", 0)) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{running} of {n} long tests running after {within_s:g}s")
        await asyncio.sleep(0.25)


async def wait_workers(
    s: Session, n: int, ok: Callable[[int], bool], *, within_s: float, what: str
) -> None:
    """Until ``ok(idle workers)`` (polled every quarter second: a poll costs two commands
    per worker, which must not weigh on what is measured)."""
    deadline = time.monotonic() + within_s
    while not ok(await asyncio.to_thread(s.platform.idle_workers)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not {what} after {within_s:g}s ({n} workers)")
        await asyncio.sleep(0.25)
