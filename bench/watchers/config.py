"""The sizes of a watchers run, from the command line, and what follows from them."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, replace
from pathlib import Path

from bench.harness import RESULTS
from bench.throughput.services import TARGETS, WORKERS_PER_TARGET


@dataclass(frozen=True)
class WatchersConfig:
    watchers: int = 1000
    """Concurrent watchers, each following its own suite until it ends, then the next."""
    jobs_per_s: float = 500.0
    """Jobs finished per second: the submission pace, and what the test time is set for."""
    jobs_per_suite: int = 4
    seconds: float = 60.0
    """The measured window."""
    settle_seconds: float = 4.0
    """After every watcher's first suite was submitted, before the window opens."""
    load_processes: int = 1
    """Processes the watchers are spread over (each takes its share of the pace)."""
    target_p99_ms: float = 250.0
    follow_timeout_s: float = 120.0
    """Longest a watcher follows one suite before it counts as stuck."""
    out: Path = RESULTS

    @property
    def test_ms(self) -> int:
        """The simulated test time: a watcher's suite runs its jobs one after another on one
        lane, so ``watchers`` suites always running finish ``watchers / test time`` jobs/s."""
        return max(1, round(self.watchers / self.jobs_per_s * 1000))

    @property
    def capacity(self) -> int:
        """Lanes per worker: every suite running at once, with room to spare (the suites
        go round robin over the targets, each target has its workers)."""
        per_worker = self.watchers / (len(TARGETS) * WORKERS_PER_TARGET)
        return math.ceil(per_worker * 1.5) + 2

    @property
    def ramp_seconds(self) -> float:
        """Until every watcher's first suite is submitted at the pace."""
        return self.watchers * self.jobs_per_suite / self.jobs_per_s


TINY = WatchersConfig(watchers=20, jobs_per_s=50.0, seconds=4.0, settle_seconds=1.0)
"""A quick run that shows the harness works end to end (the test uses it)."""


def parse(argv: list[str] | None = None) -> WatchersConfig:
    p = argparse.ArgumentParser(
        prog="python -m bench.watchers",
        description="Many live watchers of suite event streams on one API process while the "
        "platform finishes jobs at a steady rate. Prints a table and saves JSON.",
    )
    d = WatchersConfig()
    p.add_argument("--tiny", action="store_true", help="20 watchers, 50 jobs/s, 4 s")
    p.add_argument("--watchers", type=int, default=d.watchers)
    p.add_argument("--jobs-per-s", type=float, default=d.jobs_per_s)
    p.add_argument("--jobs-per-suite", type=int, default=d.jobs_per_suite)
    p.add_argument("--seconds", type=float, default=d.seconds, help="measured window")
    p.add_argument(
        "--load-processes", type=int, default=d.load_processes, help="load generator processes"
    )
    p.add_argument("--out", type=Path, default=d.out, help="folder of the JSON results")
    a = p.parse_args(argv)
    base = TINY if a.tiny else d
    if a.tiny:
        return replace(base, out=a.out, load_processes=a.load_processes)
    return replace(
        base,
        watchers=a.watchers,
        jobs_per_s=a.jobs_per_s,
        jobs_per_suite=a.jobs_per_suite,
        seconds=a.seconds,
        load_processes=a.load_processes,
        out=a.out,
    )
