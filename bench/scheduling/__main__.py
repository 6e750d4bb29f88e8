"""``python -m bench.scheduling``: simulate every workload under each policy, print the table
and the targets; ``--live`` also runs W1 for real through ``qgjob up`` at 1/100 time scale."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from bench.scheduling import live
from bench.scheduling.baselines import fifo
from bench.scheduling.machine import describe
from bench.scheduling.report import Row, lower_bound, row, table, with_savings
from bench.scheduling.sim import Mechanics, PolicyFn, simulate
from bench.scheduling.targets import checks
from bench.scheduling.workloads import CACHE_SIZE, SEED, Workload, all_workloads
from qgjob_scheduler.policy import Rules, plan

RULES = Rules()
"""qgjob's policy with the scheduler's default settings."""


def _qgjob(snapshot):  # type: ignore[no-untyped-def]
    return plan(snapshot, RULES)


def policies(w: Workload) -> list[tuple[str, PolicyFn, Mechanics]]:
    """The policies compared, with the mechanics each assumes."""
    lanes = max(w.workers.values())
    return [
        (
            "naive",
            fifo,
            Mechanics(group_max_size=1, cache=False, preempts=False, pending_limit=lanes),
        ),
        ("group-per-worker", fifo, Mechanics(preempts=False, pending_limit=lanes)),
        ("qgjob", _qgjob, Mechanics(group_max_size=RULES.max_size)),
    ]


def simulate_all(workloads: list[Workload]) -> list[Row]:
    rows = []
    for w in workloads:
        for name, policy, mechanics in policies(w):
            rows.append(row(w, name, simulate(w, policy, mechanics)))
    return with_savings(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scheduling", description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", help="comma-separated workloads, e.g. W1,W4")
    parser.add_argument("--live", action="store_true", help="also run W1 through qgjob up")
    parser.add_argument(
        "--cache-size", type=int, help=f"app versions a device keeps (default {CACHE_SIZE})"
    )
    args = parser.parse_args(argv)
    workloads = all_workloads(args.seed)
    if args.cache_size:
        workloads = [replace(w, cache_size=args.cache_size) for w in workloads]
    if args.only:
        wanted = set(args.only.upper().split(","))
        workloads = [w for w in workloads if w.name in wanted]
    started = time.monotonic()
    cache = args.cache_size or CACHE_SIZE
    print(f"# qgjob scheduling benchmark (seed {args.seed}, devices keep {cache} versions)")
    print(f"\n{describe()}\n")
    for w in workloads:
        print(f"- **{w.name} {w.title}**: {w.description} (bound {lower_bound(w):,.0f} s)")
    rows = simulate_all(workloads)
    print(f"\n{table(rows)}\n")
    print("Targets for qgjob:")
    for check in checks({w.name: w for w in workloads}, rows):
        print(check.line())
    print(f"\n(simulated in {time.monotonic() - started:.1f} s)")
    if args.live:
        sim_w1 = next((r for r in rows if r.workload == "W1" and r.policy == "qgjob"), None)
        if sim_w1 is None:
            sim_w1 = simulate_all([w for w in all_workloads(args.seed) if w.name == "W1"])[-1]
        return live.compare(sim_w1, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
