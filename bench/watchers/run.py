"""One watchers run: the platform (redis-server, one API process, the scheduler, six
simulated workers) with the test time and lanes set for the pace; the load processes; the
figures of the measured window; every watcher's frames checked against the events the store
holds for its suite. Every process started is stopped on the way out, on Ctrl-C and SIGTERM
too."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench import harness
from bench.throughput.loadgen import percentile
from bench.throughput.procstats import BENCH, CpuWindow
from bench.throughput.progress import say
from bench.throughput.services import ADMIN_TOKEN, PREFIX, BenchPlatform
from bench.watchers.config import WatchersConfig, parse
from bench.watchers.fleet import FleetPlan, serve_fleet
from bench.watchers.report import render
from qgjob_schemas import TERMINAL_STATUSES
from qgjob_store import EventLog, Store, parse_id
from qgjob_store.consumer import Entry

TERMINAL = {s.value for s in TERMINAL_STATUSES}
READY_TIMEOUT_S = 120.0
"""Longest a load process may take to start (import its modules)."""
START_MARGIN_S = 0.5
"""From sending the plans to the first suite submitted."""
VERIFY_CONCURRENCY = 200


def run(config: WatchersConfig) -> dict[str, Any]:
    env = {
        "QGJOB_SIM_TEST_MS": str(config.test_ms),
        "QGJOB_CAPACITY": str(config.capacity),
        # a suite is one group on one lane, its jobs one after another: with lanes to
        # spare the scheduler would split it over several and it would end sooner
        "QGJOB_SPLIT_GROUPS": "false",
        # a thousand lanes each renew their lease: every 6 s instead of 2 s (still well
        # within the 30 s lease), so the workers' renewals do not outweigh their jobs
        "QGJOB_HEARTBEAT_INTERVAL_S": "6",
    }
    result = harness.header("watchers", config)
    result["config"].update(test_ms=config.test_ms, capacity=config.capacity, api_processes=1)
    result["load_generator"] = (
        "raw asyncio streams (HTTP/1.1, chunked), uvloop, "
        f"{config.load_processes} process(es); suites stored with SuiteStore.create"
    )
    workdir = config.out / "runs" / f"watchers-{result['run_id']}"
    platform = BenchPlatform(workdir, aof=False, api_processes=1, env=env)
    try:
        say(
            f"starting redis-server, one API process, scheduler and 6 workers "
            f"(test {config.test_ms} ms, {config.capacity} lanes each)"
        )
        platform.start()
        say(f"  services ready, pids {platform.pid_list()}")
        result.update(measure(platform, config, workdir))
    finally:
        platform.stop()
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["logs"] = str(workdir)
    return result


def measure(platform: BenchPlatform, config: WatchersConfig, workdir: Path) -> dict[str, Any]:
    n = config.load_processes
    services = platform.pids()
    ctx = multiprocessing.get_context("spawn")
    pipes = [ctx.Pipe() for _ in range(n)]
    procs = [ctx.Process(target=serve_fleet, args=(child,)) for _, child in pipes]
    try:
        for proc in procs:
            proc.start()
        # the window's times are fixed once every load process has imported what it needs
        # (on a busy machine that takes seconds, and more for the second process)
        for conn, _ in pipes:
            _reply(platform, conn, READY_TIMEOUT_S)
        start_at = time.time() + START_MARGIN_S
        window_start = start_at + config.ramp_seconds + config.settle_seconds
        window_end = window_start + config.seconds
        for i, (conn, _) in enumerate(pipes):
            conn.send(_plan(config, platform, i, start_at, window_end))
        say(
            f"  {config.watchers} watchers from {n} load process(es); window "
            f"{config.seconds:g} s after a {window_start - time.time():.0f} s ramp"
        )
        _until(platform, window_start)
        load_during = os.getloadavg()
        cpu = CpuWindow(platform.pids()).start()
        _until(platform, window_end)
        use = cpu.stop()
        load_end = os.getloadavg()
        say("  window closed: watchers follow their last suites to the end")
        fleets = [_reply(platform, c, config.follow_timeout_s + 60) for c, _ in pipes]
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
    # every frame of every watcher, beside the services' logs (too large for the results)
    (workdir / "frames.json").write_text(json.dumps(fleets))
    say("  checking every watcher's frames against the store")
    checked = asyncio.run(_verify(platform.redis_url, fleets))
    out = figures(config, fleets, checked, use.cpu_s, window_start, window_end)
    out["pids"] = {**services, "load": [f["pid"] for f in fleets]}
    out["load_average"] = {
        "at_window_start": [round(x, 2) for x in load_during],
        "at_window_end": [round(x, 2) for x in load_end],
    }
    return out


def _until(platform: BenchPlatform, at: float) -> None:
    """Until the wall clock reaches ``at`` (a window's edge), checking the services live."""
    while (left := at - time.time()) > 0:
        platform.check_alive()
        time.sleep(min(left, 0.25))


def _plan(
    config: WatchersConfig, platform: BenchPlatform, i: int, start_at: float, stop_at: float
) -> FleetPlan:
    n = config.load_processes
    return FleetPlan(
        index=i,
        watchers=range(i * config.watchers // n, (i + 1) * config.watchers // n),
        start_at=start_at,
        jobs_per_s=config.jobs_per_s / n,
        jobs_per_suite=config.jobs_per_suite,
        stop_at=stop_at,
        api_url=platform.api_url,
        redis_url=platform.redis_url,
        token=ADMIN_TOKEN,
        follow_timeout_s=config.follow_timeout_s,
    )


def _reply(platform: BenchPlatform, conn: Connection, timeout: float) -> Any:
    """A load process's next message, checking the services live meanwhile."""
    deadline = time.monotonic() + timeout
    while not conn.poll(0.5):
        platform.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"a load process did not answer within {timeout:g} s")
    reply = conn.recv()
    if isinstance(reply, BaseException):
        raise reply
    return reply


async def _verify(redis_url: str, fleets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each followed suite's events as the store holds them (the suite's own event log)."""
    store = Store.open(redis_url, prefix=PREFIX)
    log = EventLog(store)
    gate = asyncio.Semaphore(VERIFY_CONCURRENCY)

    async def held(suite_id: str) -> list[Entry]:
        async with gate:
            out: list[Entry] = []
            cursor = "0-0"
            while page := await log.of_suite(suite_id).after(cursor, 1000):
                out += page
                cursor = page[-1][0]
            return out

    try:
        records = [r for f in fleets for r in f["records"]]
        stored = await asyncio.gather(*(held(r["suite_id"]) for r in records))
    finally:
        await store.close()
    return [check(r, s) for r, s in zip(records, stored, strict=True)]


def check(record: dict[str, Any], stored: list[Entry]) -> dict[str, Any]:
    """What the watcher should have received and did not, or received twice.

    Events written in Redis after the first connection's snapshot arrived must come as
    frames; so must every event after the first one received (a stream has no gaps); the
    ones before both are in the snapshot."""
    ids: list[str] = record["ids"]
    got = set(ids)
    first = min((parse_id(i) for i in ids), default=None)
    snap_ms = record["snapshot_at"] * 1000 if record["snapshot_at"] else 0.0
    expected = [
        eid
        for eid, _fields in stored
        if parse_id(eid)[0] > snap_ms or (first is not None and parse_id(eid) >= first)
    ]
    store_ids = {eid for eid, _ in stored}
    ended = [eid for eid, f in stored if f.get("status") in TERMINAL]
    return {
        "suite_id": record["suite_id"],
        "stored": len(stored),
        "expected": len(expected),
        "missed": sum(1 for e in expected if e not in got),
        "duplicated": len(ids) - len(got),
        "foreign": len(got - store_ids),
        "ended_ms": [parse_id(e)[0] for e in ended],
        "jobs": len(record["job_ids"]),
        "done": record["done"],
        "error": record["error"],
        "connects": record["connects"],
        "unavailable": record["unavailable"],
        "finished_first": record["finished_first"],
        "read_to_end": record["read_to_end"],
    }


def figures(
    config: WatchersConfig,
    fleets: list[dict[str, Any]],
    checked: list[dict[str, Any]],
    cpu_s: dict[str, float],
    window_start: float,
    window_end: float,
) -> dict[str, Any]:
    seconds = window_end - window_start
    records = [r for f in fleets for r in f["records"]]
    delays: list[float] = []
    terminal_delays: list[float] = []
    frames = 0
    # jobs finished in the window, as the store has their terminal events
    finished_in_window = sum(
        1 for c in checked for ms in c["ended_ms"] if window_start <= ms / 1000 < window_end
    )
    for r in records:
        for eid, at, terminal in zip(r["ids"], r["received_at"], r["terminal"], strict=True):
            written = parse_id(eid)[0] / 1000
            if not window_start <= at < window_end:
                continue
            frames += 1
            delays.append(at - written)
            if terminal:
                terminal_delays.append(at - written)
    api_cpu = cpu_s.get("api", 0.0)
    load_cpu = sum(_window_cpu(f["samples"], window_start, window_end) for f in fleets)
    following = _following(fleets, window_start, window_end)
    problems = [
        {k: v for k, v in c.items() if k != "ended_ms"}
        for c in checked
        if c["error"] or not c["done"]
    ]
    # request sent → snapshot frame in: how long a new watcher waits for its stream
    opened = [r["snapshot_at"] - r["submitted_at"] for r in records if r["snapshot_at"]]
    p99 = _ms(percentile(terminal_delays, 99))
    return {
        "window_s": round(seconds, 3),
        "watchers": config.watchers,
        "following": following,
        "suites_followed": len(records),
        "jobs_finished_per_s": round(finished_in_window / seconds, 1),
        "frames_delivered": frames,
        "terminal_frames": len(terminal_delays),
        "delay_ms": {
            "measured_from": "the event's stream entry id (Redis's clock, ms) to the frame's "
            "arrival at the watcher (time.time on the same machine)",
            "terminal": {
                "p50": _ms(percentile(terminal_delays, 50)),
                "p99": p99,
                "max": _ms(max(terminal_delays, default=0.0)),
            },
            "every_frame": {
                "p50": _ms(percentile(delays, 50)),
                "p99": _ms(percentile(delays, 99)),
                "max": _ms(max(delays, default=0.0)),
            },
        },
        "api_cpu_s": round(api_cpu, 3),
        "api_cpu_us_per_frame": round(api_cpu / frames * 1e6, 1) if frames else None,
        "api_cpu_pct_of_core": round(api_cpu / seconds * 100, 1),
        "cores": {
            **{k: round(v / seconds, 2) for k, v in cpu_s.items() if k != BENCH},
            "load generator": round(load_cpu / seconds, 2),
        },
        "missed": sum(c["missed"] for c in checked),
        "duplicated": sum(c["duplicated"] for c in checked),
        "foreign": sum(c["foreign"] for c in checked),
        "events_expected": sum(c["expected"] for c in checked),
        "events_stored": sum(c["stored"] for c in checked),
        "reconnects": sum(c["connects"] - 1 for c in checked),
        "unavailable": sum(c["unavailable"] for c in checked),
        "read_to_end": sum(1 for c in checked if c["read_to_end"]),
        "came_late": sum(1 for c in checked if c["finished_first"]),
        "stream_open_ms": {
            "p50": _ms(percentile(opened, 50)),
            "p99": _ms(percentile(opened, 99)),
            "max": _ms(max(opened, default=0.0)),
        },
        "unfinished_suites": len(problems),
        "problems": problems[:20],
        "target": {
            "p99_ms": config.target_p99_ms,
            "met": bool(terminal_delays) and p99 <= config.target_p99_ms,
        },
    }


def _window_cpu(samples: list[list[float]], start: float, end: float) -> float:
    """A load process's CPU seconds between its samples nearest the window's edges, scaled
    to the window."""
    inside = [s for s in samples if start <= s[0] <= end]
    if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
        return 0.0
    (t0, _, c0), (t1, _, c1) = inside[0], inside[-1]
    return (c1 - c0) * (end - start) / (t1 - t0)


def _following(fleets: list[dict[str, Any]], start: float, end: float) -> dict[str, float]:
    """Suites being followed at once over the window (all load processes, by sample)."""
    per_tick: dict[int, int] = {}
    for f in fleets:
        for t, n, _cpu in f["samples"]:
            if start <= t <= end:
                tick = int((t - start) * 2)
                per_tick[tick] = per_tick.get(tick, 0) + int(n)
    values = list(per_tick.values()) or [0]
    return {"min": min(values), "mean": round(sum(values) / len(values), 1)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    return harness.main("watchers", parse(argv), run, render)
