"""One scale run: for each size a fresh platform (redis-server, API, scheduler), its jobs
submitted, the virtual workers started, then the drain, the idle window and the pickups;
the figures saved as JSON and printed as Markdown. Every process started is stopped on the
way out, on Ctrl-C and on SIGTERM too."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.scale import phases
from bench.scale.config import ScaleConfig, Size, parse
from bench.scale.platform import ScalePlatform
from bench.scale.report import render
from bench.scale.slowlog import SlowlogCollector, merged, summary
from bench.throughput.config import BenchConfig
from bench.throughput.loadgen import percentile
from bench.throughput.progress import say
from bench.throughput.session import open_session


def run(config: ScaleConfig) -> dict[str, Any]:
    result: dict[str, Any] = {**harness.header("scale", config), "sizes": []}
    workdir = config.out / "runs" / f"scale-{result['run_id']}"
    for size in config.sizes:
        say(f"[{size.workers:,} workers, {size.jobs:,} jobs over {size.versions:,} versions]")
        try:
            result["sizes"].append(run_size(config, size, workdir / f"w{size.workers}"))
        except Exception as exc:  # the sizes measured so far are still printed
            say(f"  failed: {exc!r}")
            result["sizes"].append({"workers": size.workers, "jobs": size.jobs, "error": repr(exc)})
        harness.save(result, config.out, "scale")
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["logs"] = str(workdir)
    return result


def run_size(config: ScaleConfig, size: Size, workdir: Path) -> dict[str, Any]:
    platform = ScalePlatform(workdir, config)
    slow: SlowlogCollector | None = None
    out: dict[str, Any] = {
        "workers": size.workers,
        "jobs": size.jobs,
        "versions": size.versions,
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        platform.start()
        say(f"  services ready, pids {platform.pid_list()}")
        slow = SlowlogCollector(
            platform.redis_url, config.slowlog_every_s, config.slowlog_on_s
        ).start()
        out.update(asyncio.run(_phases(platform, config, size, slow)))
    finally:
        if slow is not None:
            slow.stop()
        platform.stop()
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


async def _phases(
    platform: ScalePlatform, config: ScaleConfig, size: Size, slow: SlowlogCollector
) -> dict[str, Any]:
    bench = BenchConfig(concurrency=8, timeout_s=config.drain_timeout_s)
    log = platform.services["scheduler"].log_path
    out: dict[str, Any] = {}
    times: dict[str, dict[str, list[int]]] = {}
    async with open_session(platform, bench) as s:
        out["waiting"] = await phases.submit_waiting(s, size)
        say(f"  {size.jobs:,} jobs waiting; starting {size.workers:,} virtual workers")
        platform.pause_pipeline()  # the scheduler waits while the workers come up
        started = time.monotonic()
        await asyncio.to_thread(platform.start_workers, size.workers)
        out["load_processes"] = len(platform.loads)
        out["pids"] = {**platform.pids(), "load": platform.load_pids()}
        out["workers_up_s"] = round(time.monotonic() - started, 2)
        times["submit and start"] = slow.take()
        say("  drain: the scheduler starts")
        drain = await phases.drain(s, platform, size)
        times["drain"] = slow.take()
        say(f"    {drain['seconds']:.1f} s; idle window of {config.idle_s:g} s")
        slow.pause()
        idle = await phases.idle_window(s, platform, size.workers, config.idle_s)
        slow.resume()
        say(f"    control plane {idle['control_plane_cpu_pct']} % of a core; pickups")
        busiest = ", ".join(
            f"{c['command']} {c['calls_per_s']:,}/s" for c in idle["by_command"][:6]
        )
        say(f"    idle commands, by Redis time: {busiest}")
        busy = await phases.busy_pickups(s, size.workers, config)
        times["busy"] = slow.take()
        say(f"    pickup p99 {busy['p99_ms']:.1f} ms")
    load = await asyncio.to_thread(platform.stop_workers)
    out["drain"] = _drain_figures(drain, load, log)
    out["idle"] = {**idle, "passes": phases.spread(phases.pass_times(log, idle["t0"], idle["t1"]))}
    out["idle"]["beat_lag"] = _lag(load, idle["t0"], idle["t1"])
    out["pickup"] = {
        **busy,
        "passes": phases.spread(phases.pass_times(log, busy["t0"], busy["t1"])),
    }
    out["load_errors"] = dict(load["errors"])
    out["commands"] = {phase: summary(t) for phase, t in times.items()}
    out["commands"]["all"] = summary(merged(*times.values()))
    return out


def _drain_figures(drain: dict[str, float], load: dict[str, list], log: Path) -> dict[str, Any]:  # type: ignore[type-arg]
    t0, t1 = drain["t0"], drain["t1"]
    taken = sorted(t for t in load["acquired"] if t0 <= t <= t1)
    span = (taken[-1] - t0) if taken else 0.0
    records = phases.passes(log, t0, t1)
    return {
        **drain,
        "groups_given": len(taken),
        "dispatch_groups_per_s": round(len(taken) / span, 1) if span > 0 else 0.0,
        "last_group_taken_after_s": round(span, 3),
        "scheduler": phases.dispatch_rates(records),
        "passes": phases.spread([float(r["ms"]) for r in records]),
        "beat_lag": _lag(load, t0, t1),
    }


def _lag(load: dict[str, list], t0: float, t1: float) -> dict[str, float]:  # type: ignore[type-arg]
    """How late the virtual workers' heartbeats were (ms): the load processes keeping up."""
    lags = [lag * 1000 for at, lag in load["beat_lag"] if t0 <= at <= t1]
    return {"p50_ms": round(percentile(lags, 50), 1), "p99_ms": round(percentile(lags, 99), 1)}


def main(argv: list[str] | None = None) -> int:
    config = parse(argv)
    return harness.main("scale", config, run, lambda result: render(result, config))
