"""The sizes of a scale run, from the command line."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.harness import RESULTS


@dataclass(frozen=True)
class Size:
    workers: int
    jobs: int

    @property
    def versions(self) -> int:
        """App versions (one suite, so one group, each): a suite of 10 tests per version."""
        return max(1, self.jobs // JOBS_PER_VERSION)


JOBS_PER_VERSION = 10
DEFAULT_SIZES = (Size(100, 1_000), Size(1_000, 10_000), Size(5_000, 50_000))


@dataclass(frozen=True)
class ScaleConfig:
    sizes: tuple[Size, ...] = DEFAULT_SIZES
    test_s: float = 0.2
    """Simulated time of one test (the simulated driver's default, 200 ms)."""
    install_s: float = 0.0
    """Simulated install time: none, so a pickup's figure is the control plane's alone."""
    idle_s: float = 60.0
    """Idle window: CPU and round trips with nothing queued, over one housekeeping interval
    (the scheduler's once-a-minute sweep falls in every window, spread as it is in time; a
    window of seconds caught it at some sizes only, and at the largest nearly always)."""
    pickups: int = 50
    """Pickup samples while the farm is busy..."""
    pickup_max_s: float = 60.0
    """...or as many as fit in this time."""
    free_share: float = 0.1
    """Share of the pickup target's workers left free while the rest run long tests."""
    busy_test_s: float = 600.0
    """Simulated time of the tests that keep the farm busy during the pickups (they are
    not waited for)."""
    workers_per_process: int = 250
    """Virtual workers per load process: a loop of a few hundred keeps its heartbeats on
    time on a shared 2-core machine (one of 1,000 fell seconds behind)."""
    drain_timeout_s: float = 300.0
    slowlog_every_s: float = 5.0
    slowlog_on_s: float = 1.0
    """The slow log logs every command for ``slowlog_on_s`` of every ``slowlog_every_s``
    (then it is read and reset)."""
    out: Path = RESULTS
    tiny: bool = False
    worst: int = field(default=5)
    """Scripts listed by p99 and by max per size."""


TINY = ScaleConfig(
    sizes=(Size(10, 100),),
    test_s=0.05,
    idle_s=2.5,  # the scheduler plans once a second with nothing waiting: two passes at least
    pickups=5,
    free_share=0.5,
    drain_timeout_s=20.0,
    slowlog_every_s=1.0,
    slowlog_on_s=1.0,
    tiny=True,
)
"""A quick run that shows the harness works end to end (its test uses it)."""


def parse(argv: list[str] | None = None) -> ScaleConfig:
    p = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description="The control plane at 100, 1,000 and 5,000 workers: redis-server, the API "
        "and the scheduler as processes, virtual workers making a real worker's store calls. "
        "Prints a Markdown table and saves JSON.",
    )
    d = ScaleConfig()
    p.add_argument("--tiny", action="store_true", help="10 workers, 100 jobs (the test's run)")
    p.add_argument(
        "--sizes",
        default=",".join(f"{s.workers}:{s.jobs}" for s in d.sizes),
        help="workers:jobs pairs, comma separated (default %(default)s)",
    )
    p.add_argument("--test-s", type=float, default=d.test_s, help="simulated test time")
    p.add_argument("--idle-s", type=float, default=d.idle_s, help="idle window length")
    p.add_argument("--pickups", type=int, default=d.pickups, help="pickup samples")
    p.add_argument(
        "--workers-per-process",
        type=int,
        default=d.workers_per_process,
        help="virtual workers per load process",
    )
    p.add_argument("--out", type=Path, default=d.out, help="folder of the JSON results")
    a = p.parse_args(argv)
    if a.tiny:
        return replace(TINY, out=a.out)
    sizes = tuple(Size(*(int(x) for x in pair.split(":"))) for pair in a.sizes.split(","))
    return replace(
        d,
        sizes=sizes,
        test_s=a.test_s,
        idle_s=a.idle_s,
        pickups=a.pickups,
        workers_per_process=a.workers_per_process,
        out=a.out,
    )
