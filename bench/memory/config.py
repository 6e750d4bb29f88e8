"""The sizes of a memory bench run, from the command line."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from bench.harness import RESULTS
from bench.throughput.services import API_PROCESSES, WORKERS_PER_TARGET


@dataclass(frozen=True)
class MemoryConfig:
    jobs: int = 10_000
    """Finished jobs measured."""
    suite_size: int = 50
    versions: int = 100
    sample: int = 100_000
    """Keys of one kind measured with MEMORY USAGE; a kind with more is sampled."""
    record_sample: int = 1000
    """Job records copied for each record experiment."""
    field_sample: int = 200
    """Job records copied without each field in turn (the per-field breakdown)."""
    workers_per_target: int = WORKERS_PER_TARGET
    api_processes: int = API_PROCESSES
    """The pipeline benchmark's platform; the quick run starts a smaller one."""
    timeout_s: float = 300.0
    out: Path = RESULTS


TINY = MemoryConfig(
    jobs=300,
    suite_size=50,
    versions=3,
    record_sample=100,
    field_sample=20,
    workers_per_target=1,
    api_processes=1,
    timeout_s=60.0,
)
"""A quick run that shows the harness works end to end (the test uses it)."""


def parse(argv: list[str] | None = None) -> MemoryConfig:
    p = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    p.add_argument("--tiny", action="store_true", help="300 jobs: the harness test's size")
    p.add_argument("--jobs", type=int, help="finished jobs (default 10,000)")
    p.add_argument("--suite-size", type=int, help="jobs per suite (default 50)")
    p.add_argument("--versions", type=int, help="app versions (default 100)")
    p.add_argument("--sample", type=int, help="keys measured per kind at most (default all)")
    p.add_argument("--out", type=Path, help="where the JSON goes (default bench/results)")
    args = p.parse_args(argv)
    config = TINY if args.tiny else MemoryConfig()
    changes = {
        k: v
        for k, v in {
            "jobs": args.jobs,
            "suite_size": args.suite_size,
            "versions": args.versions,
            "sample": args.sample,
            "out": args.out,
        }.items()
        if v is not None
    }
    return replace(config, **changes)
