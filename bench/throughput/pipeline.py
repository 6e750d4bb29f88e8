"""The pipeline phases: end to end (many jobs, first submit to last terminal state) and
pickup latency (one job at a time, submit to ``running``, with idle workers)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis

from bench.throughput.loadgen import percentile
from bench.throughput.procstats import CpuWindow
from bench.throughput.services import WORKERS_PER_TARGET
from bench.throughput.session import JSON, Session
from bench.throughput.workload import Submitter, plan
from qgjob_schemas import TERMINAL_STATUSES

TERMINAL = {s.value for s in TERMINAL_STATUSES}
PICKUP_TARGET = "emulator"
MIB = 1024 * 1024


async def end_to_end(s: Session, submitter: Submitter) -> dict[str, Any]:
    """Submit ``jobs`` jobs over ``versions`` app versions as fast as the submitter goes,
    while the services run them; measure until the last job's terminal state."""
    cfg = s.config
    submitter.prepare(plan(cfg.jobs, cfg.versions))
    events = s.store.keys.events()
    mem0 = (await s.info("memory"))["used_memory"]
    events0 = await s.redis.xlen(events)
    stats0 = await s.info("stats")
    cmds0 = await s.info("commandstats")
    cpu = CpuWindow(s.platform.pids()).start()
    started = time.time()
    ids = await submitter.submit()
    submitted = time.time()
    await s.wait_drained()
    seen = time.time()
    use = cpu.stop()
    finished = await _last_terminal_at(s.redis, events)
    stats1 = await s.info("stats")
    cmds1 = await s.info("commandstats")
    mem1 = (await s.info("memory"))["used_memory"]
    statuses = await _statuses(s, ids)
    n = len(ids)
    return {
        "jobs": n,
        "versions": cfg.versions,
        "submitted_through": submitter.description,
        "seconds": round(finished - started, 3),
        "jobs_per_s": round(n / (finished - started), 1),
        "submit_seconds": round(submitted - started, 3),
        "submit_jobs_per_s": round(n / (submitted - started), 1),
        "end_seen_after_s": round(seen - finished, 3),
        "statuses": dict(statuses),
        "events_per_job": round((await s.redis.xlen(events) - events0) / n, 2),
        "redis_mib_per_10k_jobs": round((mem1 - mem0) / MIB * 10_000 / n, 2),
        "redis_commands_per_job": _commands_per_job(cmds0, cmds1, n),
        "redis_reads_per_job": round(
            (stats1["total_reads_processed"] - stats0["total_reads_processed"]) / n, 2
        ),
        **use.figures(n),
        "job_ids": ids,
    }


StreamEntries = list[tuple[str, dict[str, str]]]


async def _newest(r: Redis, stream: str, count: int) -> StreamEntries:
    """The newest ``count`` entries of a stream, newest first (decoded replies)."""
    return cast(StreamEntries, await r.xrevrange(stream, "+", "-", count=count))


async def _last_terminal_at(r: Redis, events: str) -> float:
    """When the newest terminal event was written (the store's clock)."""
    for _eid, fields in await _newest(r, events, 200):
        if fields.get("status") in TERMINAL:
            return float(fields["at"])
    raise RuntimeError("no terminal event in the events stream")


async def _statuses(s: Session, ids: list[str]) -> Counter[str]:
    """Every job's status as stored in its record."""
    out: Counter[str] = Counter()
    for i in range(0, len(ids), 1000):
        async with s.redis.pipeline(transaction=False) as pipe:
            for jid in ids[i : i + 1000]:
                pipe.hget(s.store.keys.job(jid), "status")
            out.update(str(x) for x in await pipe.execute())
    return out


def _commands_per_job(before: dict[str, Any], after: dict[str, Any], n: int) -> dict[str, float]:
    """Redis commands per job by command (``INFO commandstats``), all clients together."""
    out = {}
    for name, stat in after.items():
        calls = stat["calls"] - before.get(name, {}).get("calls", 0)
        if calls:
            out[name.removeprefix("cmdstat_")] = round(calls / n, 3)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


async def pickup(s: Session) -> dict[str, Any]:
    """Submit one job at a time through ``POST /v1/jobs`` while every worker of its target
    waits; the latency is from sending the request to the job's ``running`` event."""
    events = s.store.keys.events()
    from_send: list[float] = []
    from_created: list[float] = []
    reader = Redis.from_url(
        s.platform.redis_url, decode_responses=True, protocol=2, socket_timeout=10
    )
    cpu = CpuWindow(s.platform.pids()).start()
    deadline = time.monotonic() + s.config.pickup_max_s
    try:
        for i in range(s.config.pickups):
            if time.monotonic() > deadline:
                break
            await s.wait_idle(PICKUP_TARGET, WORKERS_PER_TARGET)
            last = await _newest(reader, events, 1)
            after = last[0][0] if last else "0-0"
            body = orjson.dumps(
                {
                    "org_id": "org-0",
                    "app_version_id": f"pickup-v{i % 4}",
                    "test_path": f"tests/pickup/t{i:04d}.spec.js",
                    "target": PICKUP_TARGET,
                }
            )
            sent = time.time()
            r = await s.http.post("/v1/jobs", content=body, headers=JSON)
            r.raise_for_status()
            job = r.json()
            running = await _wait_running_then_end(reader, events, after, job["id"])
            from_send.append(running - sent)
            created = job["created_at"]
            from_created.append(running - _epoch(created))
    finally:
        await reader.aclose()
    return {
        "jobs": len(from_send),
        "p50_ms": _ms(percentile(from_send, 50)),
        "p99_ms": _ms(percentile(from_send, 99)),
        "max_ms": _ms(max(from_send, default=0.0)),
        "from_created_p50_ms": _ms(percentile(from_created, 50)),
        "from_created_p99_ms": _ms(percentile(from_created, 99)),
        **cpu.stop().figures(len(from_send)),
    }


async def _wait_running_then_end(r: Redis, events: str, after: str, job_id: str) -> float:
    """Read events after ``after`` until the job ended; return when it began running."""
    running: float | None = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        reply = cast(
            list[tuple[str, StreamEntries]] | None,
            await r.xread({events: after}, block=1000, count=100),
        )
        for _stream, entries in reply or []:
            for eid, fields in entries:
                after = eid
                if fields.get("job") != job_id:
                    continue
                if fields.get("status") == "running":
                    running = float(fields["at"])
                elif fields.get("status") in TERMINAL and running is not None:
                    return running
    raise TimeoutError(f"job {job_id} did not run and end within 30s")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
