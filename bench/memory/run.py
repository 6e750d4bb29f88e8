"""One memory bench run: a real platform runs the finished jobs, the keyspace is walked
before and after and accounted by kind, the biggest hash kind field by field, then the
candidate reductions are measured on copies of the data in a scratch redis-server; the
figures are printed as Markdown and saved as JSON. Every process started is stopped on the
way out, on Ctrl-C too."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from redis.asyncio import Redis

from bench import harness
from bench.memory import account, experiments
from bench.memory.classify import Classifier
from bench.memory.config import MemoryConfig, parse
from bench.memory.report import render
from bench.memory.walk import snapshot
from bench.memory.workload import suites
from bench.throughput.config import BenchConfig
from bench.throughput.progress import say
from bench.throughput.services import TARGETS, BenchPlatform
from bench.throughput.session import Session, open_session
from bench.throughput.workload import pick_submitter, suite_endpoint_problem
from tests.support.redis_server import RedisServer


def run(config: MemoryConfig) -> dict[str, Any]:
    result = harness.header("memory", config)
    workdir = config.out / "runs" / f"memory-{result['run_id']}"
    platform = BenchPlatform(
        workdir,
        aof=False,
        workers_per_target=config.workers_per_target,
        api_processes=config.api_processes,
    )
    scratch = RedisServer(workdir / "scratch")
    try:
        say(
            f"starting redis-server, API ({config.api_processes} processes), scheduler and "
            f"{config.workers_per_target} workers per target"
        )
        platform.start()
        say(f"  services ready, pids {platform.pid_list()}")
        result.update(asyncio.run(_measure(platform, config)))
        _stop_services(platform)  # the data stays in the bench's Redis for the experiments
        result["ttls"] = asyncio.run(experiments.hold(platform.redis_url, result["names"]))
        result["without_ttl"] = {
            kind: sum(1 for n in members if n not in result["ttls"])
            for kind, members in result["names"].items()
        }
        say("starting a scratch redis-server for the experiments")
        scratch.start()
        result["experiments"] = asyncio.run(
            experiments.run_all(platform.redis_url, scratch.url, result, config)
        )
        say("deleting each kind of key in turn: what it frees")
        asyncio.run(_freed(platform.redis_url, result))
    finally:
        platform.stop()
        scratch.stop()
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


async def _measure(platform: BenchPlatform, config: MemoryConfig) -> dict[str, Any]:
    classifier = Classifier(platform.keys)
    pattern = platform.keys.base.replace("{", "[{]").replace("}", "[}]") + "*"
    bench = BenchConfig(concurrency=4, timeout_s=config.timeout_s)
    async with open_session(platform, bench) as s:
        has_suites = suite_endpoint_problem(await s.openapi()) is None
        submitter = pick_submitter(s.jobs, s.http, has_suites=has_suites)
        submitter.prepare(suites(config.jobs, config.suite_size, config.versions))
        histograms = await _latency_tracking_off(s.redis)
        await s.redis.slowlog_reset()  # what the run adds to it is counted at the end
        before = await snapshot(s.redis, classifier, pattern, sample=config.sample)
        say(
            f"  {config.jobs} jobs in suites of {config.suite_size} over {config.versions} versions"
        )
        ids = await submitter.submit()
        await s.wait_drained()
        await _wait_all_idle(s)
        after = await snapshot(s.redis, classifier, pattern, sample=config.sample)
        say(f"  {len(ids)} jobs finished; {after.keys - before.keys} keys more")
        accounting = account.by_kind(before, after, len(ids))
        fields = await account.fields(s.redis, after, config.field_sample)
    return {
        "submitted_through": submitter.description,
        "jobs": len(ids),
        "accounting": accounting,
        "latency_histograms": histograms,
        "fields": fields,
        "names": after.names,
        "job_ids": ids,
    }


async def _latency_tracking_off(r: Redis) -> dict[str, int]:
    """Redis 7's default ``latency-tracking yes`` keeps a histogram per command name used:
    a fixed cost that would show as growth whenever a command is first used. Measured here
    (what ``CONFIG RESETSTAT`` frees of the histograms the startup made), then turned off
    for the run."""
    commands = len(await r.info("latencystats"))
    used0 = int((await r.info("memory"))["used_memory"])
    await r.config_resetstat()
    used1 = int((await r.info("memory"))["used_memory"])
    await r.config_set("latency-tracking", "no")
    await r.config_resetstat()
    return {"commands": commands, "bytes": used0 - used1}


async def _freed(url: str, result: dict[str, Any]) -> None:
    r = Redis.from_url(url, decode_responses=True)
    try:
        await account.freed_by_kind(r, result["names"], result["accounting"], result["jobs"])
    finally:
        await r.aclose()


def _stop_services(platform: BenchPlatform) -> None:
    """SIGKILL: the figures are read already, and a worker asked to stop would first end
    its blocking read (seconds); what a shutdown would write is not part of a job's cost.
    Each service leads a session of its own: its process group goes, the API's serving
    processes with it."""
    for svc in platform.services.values():
        if svc.alive and svc.proc is not None:
            os.killpg(svc.proc.pid, signal.SIGKILL)
    for svc in platform.services.values():
        if svc.proc is not None:
            svc.proc.wait(10)


async def _wait_all_idle(s: Session) -> None:
    """Every worker waits for work again: each closed its last group."""
    for target in TARGETS:
        await s.wait_idle(target, s.platform.workers_per_target, within_s=30)


def main(argv: list[str] | None = None) -> int:
    config = parse(argv)
    signal.signal(signal.SIGTERM, harness.interrupt)
    result = run(config)
    result.pop("names", None)
    result.pop("job_ids", None)
    result.pop("ttls", None)
    path = harness.save(result, config.out, "memory")
    print(render(result))
    print(f"\nSaved {path}")
    return 0
