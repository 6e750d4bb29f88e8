"""The sizes of a bench run, from the command line."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"


@dataclass(frozen=True)
class BenchConfig:
    jobs: int = 20_000
    """End to end: jobs submitted, over ``versions`` app versions."""
    versions: int = 200
    submit_requests: int = 5_000
    """Single submit: measured ``POST /v1/jobs`` requests (after ``warmup``)."""
    concurrency: int = 32
    """Concurrent HTTP clients of the submit and status-read runs."""
    suite_batches: int = 20
    """Suite submit: ``POST /v1/suites`` requests of 500 jobs each."""
    status_requests: int = 10_000
    pickups: int = 200
    """Pickup latency: jobs submitted one at a time to idle workers."""
    rt_jobs: int = 2_000
    """Round trips: jobs of the counted end-to-end run (over ``rt_jobs // 100`` versions)."""
    rt_single: int = 200
    """Round trips: jobs of the counted single-submit run."""
    idle_window_s: float = 2.0
    """Round trips: how long the idle services are counted."""
    warmup: int = 200
    aof: bool = True
    """Also run the AOF row (``appendonly yes``, ``appendfsync everysec``)."""
    out: Path = RESULTS
    timeout_s: float = 600.0
    """Longest wait for a run's jobs to end."""


TINY = BenchConfig(
    jobs=200,
    versions=4,
    submit_requests=100,
    concurrency=8,
    suite_batches=2,
    status_requests=200,
    pickups=10,
    rt_jobs=100,
    rt_single=20,
    warmup=10,
    idle_window_s=0.5,
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
    p.add_argument("--submit-requests", type=int, default=d.submit_requests)
    p.add_argument("--concurrency", type=int, default=d.concurrency)
    p.add_argument("--suite-batches", type=int, default=d.suite_batches)
    p.add_argument("--status-requests", type=int, default=d.status_requests)
    p.add_argument("--pickups", type=int, default=d.pickups)
    p.add_argument("--rt-jobs", type=int, default=d.rt_jobs)
    p.add_argument("--rt-single", type=int, default=d.rt_single)
    p.add_argument("--no-aof", action="store_true", help="skip the AOF row")
    p.add_argument("--out", type=Path, default=d.out, help="folder of the JSON results")
    a = p.parse_args(argv)
    if a.tiny:
        return BenchConfig(**{**TINY.__dict__, "out": a.out})
    return BenchConfig(
        jobs=a.jobs,
        versions=a.versions,
        submit_requests=a.submit_requests,
        concurrency=a.concurrency,
        suite_batches=a.suite_batches,
        status_requests=a.status_requests,
        pickups=a.pickups,
        rt_jobs=a.rt_jobs,
        rt_single=a.rt_single,
        aof=not a.no_aof,
        out=a.out,
    )
