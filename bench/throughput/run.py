"""One bench run: the AOF-off platform, the AOF-on platform, the round-trip platform; the
figures saved as JSON and printed as Markdown. Every process started is stopped on the way
out, on Ctrl-C and on SIGTERM too."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

from bench import harness
from bench.throughput import roundtrips
from bench.throughput.config import BenchConfig, parse
from bench.throughput.phases import single_submit, status_read, suite_submit
from bench.throughput.pipeline import end_to_end, pickup
from bench.throughput.progress import say
from bench.throughput.report import render
from bench.throughput.services import BenchPlatform
from bench.throughput.session import open_session
from bench.throughput.workload import pick_submitter, suite_endpoint_problem

MODES = {"aof off": False, "aof everysec": True}
WAIT_MODES = {"replica, no WAIT": 0, "replica, WAIT 1": 1}
"""With ``--wait``: a master and one replica, the API answering before or after ``WAIT``."""
MIB = 1024 * 1024


def run(config: BenchConfig) -> dict[str, Any]:
    result: dict[str, Any] = {**harness.header("throughput", config), "modes": {}}
    workdir = config.out / "runs" / f"throughput-{result['run_id']}"
    stopping = Stopping()
    try:
        for label, aof in MODES.items():
            if aof and not config.aof:
                continue
            say(f"[{label}] starting redis-server, API, scheduler and 6 workers")
            mode_dir = workdir / label.replace(" ", "-")
            result["modes"][label] = run_mode(config, aof, mode_dir, stopping)
        for label, replicas in WAIT_MODES.items() if config.wait else ():
            say(f"[{label}] starting redis-server and a replica, API, scheduler and 6 workers")
            mode_dir = workdir / label.replace(" ", "-").replace(",", "")
            result["modes"][label] = run_mode(
                config, False, mode_dir, stopping, replica=True, wait_replicas=replicas
            )
        say("[round trips] counting on the wire, on a platform of its own")
        result["round_trips"] = roundtrips.measure(
            config, workdir / "round-trips", before_measuring=stopping.join
        )
    finally:
        stopping.join()
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["logs"] = str(workdir)
    return result


class Stopping:
    """Platforms stopping in the background (their workers finish a blocking read first)
    while the next one starts; joined before the next one is measured and before the bench
    returns."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def add(self, platform: BenchPlatform) -> None:
        thread = threading.Thread(target=platform.stop, name="stop-platform")
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        while self.threads:
            self.threads.pop().join()


def run_mode(
    config: BenchConfig,
    aof: bool,
    workdir: Path,
    stopping: Stopping,
    *,
    replica: bool = False,
    wait_replicas: int = 0,
) -> dict[str, Any]:
    platform = BenchPlatform(workdir, aof=aof, replica=replica, wait_replicas=wait_replicas)
    try:
        platform.start()
        stopping.join()
        say(f"  services ready, pids {platform.pid_list()}")
        out = asyncio.run(_phases(platform, config))
        out["peak_rss_mib"] = platform.peak_rss()
        out["pids"] = platform.pids()
        return out
    finally:
        stopping.add(platform)


async def _phases(platform: BenchPlatform, config: BenchConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with open_session(platform, config) as s:
        has_suites = suite_endpoint_problem(await s.openapi()) is None
        say(f"  end to end: {config.jobs} jobs over {config.versions} app versions")
        e2e = await end_to_end(s, pick_submitter(s.jobs, s.http, has_suites=has_suites))
        job_ids = e2e.pop("job_ids")
        out["end_to_end"] = e2e
        say(f"    {e2e['jobs_per_s']:,.0f} jobs/s; single submit for {config.http_seconds} s")
        out["single_submit"] = await single_submit(s)
        say(f"    {out['single_submit']['per_s']:,.0f} jobs/s; pickup latency")
        out["pickup"] = await pickup(s)
        say(f"    p50 {out['pickup']['p50_ms']} ms; status read for {config.http_seconds} s")
        out["status_read"] = await status_read(s, job_ids)
        say(f"    {out['status_read']['per_s']:,.0f} requests/s")
        memory = await s.info("memory")
        out["redis_memory"] = {
            "used_mib": round(memory["used_memory"] / MIB, 1),
            "peak_mib": round(memory["used_memory_peak"] / MIB, 1),
            "jobs_in_store": await s.jobs_in_store(),
        }
        say("  scheduler and workers paused: single submit and suite submit, the API alone")
        platform.pause_pipeline()  # last: their jobs are not waited for
        try:
            out["single_submit_api_alone"] = await single_submit(s)
            say(f"    {out['single_submit_api_alone']['per_s']:,.0f} jobs/s")
            out["suite_submit"] = await suite_submit(s)
        finally:
            platform.resume_pipeline()
    return out


def main(argv: list[str] | None = None) -> int:
    return harness.main("throughput", parse(argv), run, render)
