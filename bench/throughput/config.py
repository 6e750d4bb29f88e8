"""The sizes of a bench run, from the command line."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from bench.harness import RESULTS


@dataclass(frozen=True)
class BenchConfig:
    jobs: int = 20_000
    """End to end: jobs submitted, over ``versions`` app versions."""
    versions: int = 200
    concurrency: int = 32
    """Concurrent HTTP connections of the single-submit and status-read runs."""
    http_seconds: int = 10
    """How long each closed-loop HTTP run (single submit, suite submit, status read) lasts."""
    warmup_seconds: int = 1
    """An unmeasured run before each of them (0: none)."""
    pickups: int = 200
    """Pickup latency: jobs submitted one at a time to idle workers..."""
    pickup_max_s: float = 15.0
    """...or as many as fit in this time."""
    rt_jobs: int = 2_000
    """Round trips: jobs of the counted end-to-end run (over ``rt_jobs // 100`` versions)."""
    rt_single: int = 200
    """Round trips: jobs of the counted single-submit run."""
    idle_window_s: float = 2.0
    """Round trips: how long the idle services are counted."""
    aof: bool = True
    """Also run the AOF row (``appendonly yes``, ``appendfsync everysec``)."""
    wait: bool = False
    """Also run two rows on a master with one replica: without and with
    ``QGJOB_STORE_WAIT_REPLICAS=1`` (what ``WAIT`` costs a submission)."""
    out: Path = RESULTS
    timeout_s: float = 600.0
    """Longest wait for a run's jobs to end."""


TINY = BenchConfig(
    jobs=200,
    versions=4,
    concurrency=8,
    http_seconds=1,
    warmup_seconds=0,
    pickups=10,
    pickup_max_s=3.0,
    rt_jobs=100,
    rt_single=20,
    idle_window_s=0.25,
    aof=False,
    timeout_s=60.0,
)
"""A quick run that shows the harness works end to end (the test uses it)."""


def parse(argv: list[str] | None = None) -> BenchConfig:
    p = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description="Benchmark the qgjob pipeline: redis-server, API, scheduler and workers "
        "as separate processes on this machine. Prints a table and saves JSON.",
    )
    d = BenchConfig()
    p.add_argument("--tiny", action="store_true", help="a quick run at tiny sizes")
    p.add_argument("--jobs", type=int, default=d.jobs, help="end-to-end jobs")
    p.add_argument("--versions", type=int, default=d.versions, help="app versions")
    p.add_argument("--concurrency", type=int, default=d.concurrency)
    p.add_argument("--http-seconds", type=int, default=d.http_seconds)
    p.add_argument("--warmup-seconds", type=int, default=d.warmup_seconds)
    p.add_argument("--pickups", type=int, default=d.pickups)
    p.add_argument("--rt-jobs", type=int, default=d.rt_jobs)
    p.add_argument("--rt-single", type=int, default=d.rt_single)
    p.add_argument("--no-aof", action="store_true", help="skip the AOF row")
    p.add_argument(
        "--wait",
        action="store_true",
        help="also run a master with one replica, without and with QGJOB_STORE_WAIT_REPLICAS=1",
    )
    p.add_argument("--out", type=Path, default=d.out, help="folder of the JSON results")
    a = p.parse_args(argv)
    if a.tiny:
        return replace(TINY, out=a.out, wait=a.wait)
    return replace(
        d,
        jobs=a.jobs,
        versions=a.versions,
        concurrency=a.concurrency,
        http_seconds=a.http_seconds,
        warmup_seconds=a.warmup_seconds,
        pickups=a.pickups,
        rt_jobs=a.rt_jobs,
        rt_single=a.rt_single,
        aof=not a.no_aof,
        wait=a.wait,
        out=a.out,
    )
