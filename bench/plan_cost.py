"""What one planning pass costs in the scheduler's Python, at farm sizes the machine cannot
hold as processes: ``python -m bench.plan_cost``.

Each case is a snapshot of one target: N one-lane workers, all but ``free`` running a group
(0 to 9 jobs left, the test under way ending in 0.1 s), and ``waiting`` groups of 10 jobs,
each of its own app version (what the control-plane benchmark's drain phase looks like when
lanes come free; the fifth case, every lane free, is a farm coming up; the last two have
nothing waiting). The printed time is
the median of ``--repeat`` calls of :func:`qgjob_scheduler.policy.plan`, with the default
rules (fair share, preemption, splits).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from qgjob_scheduler.policy import Rules, plan
from qgjob_schemas import GroupState, GroupView, Snapshot, WorkerView

CASES = (
    (100, 100, 5),
    (1000, 1000, 20),
    (5000, 1000, 50),
    (5000, 1000, 0),
    (2000, 1000, 2000),
    (5000, 0, 0),
    (5000, 0, 5000),
)
"""(workers, waiting groups, free lanes); the last two: a busy farm and an idle one, with
nothing waiting (the passes the scheduler makes once a second between bursts)."""


def snapshot(workers: int, waiting: int, free: int, now: float = 1000.0) -> Snapshot:
    rnd = random.Random(1)
    views: list[WorkerView] = []
    groups: list[GroupView] = []
    for i in range(workers):
        held: tuple[str, ...] = ()
        if i >= free:
            held = (f"r{i}",)
            groups.append(
                GroupView(
                    id=f"r{i}",
                    target="emulator",
                    org_id="org",
                    app_version_id=f"app{i % 500}",
                    state=GroupState.RUNNING,
                    size=10,
                    left=rnd.randint(0, 9),
                    work_s=2.0,
                    waiting_since=now - 50,
                    dispatched_at=now - 5,
                    worker_id=f"w{i}",
                    current_ends_at=now + 0.1,
                )
            )
        views.append(WorkerView(f"w{i}", "emulator", versions=(f"app{i % 500}",), groups=held))
    for j in range(waiting):
        groups.append(
            GroupView(
                id=f"g{j}",
                target="emulator",
                org_id="org",
                app_version_id=f"v{j}",
                size=10,
                left=10,
                work_s=2.0,
                waiting_since=now - 30 + j * 0.001,
            )
        )
    return Snapshot(now, tuple(views), tuple(groups), install_s={"emulator": 0.0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="calls per case (median shown)")
    args = parser.parse_args()
    print("| workers | waiting groups | free lanes | plan (ms, median) | given | preempted |")
    print("|---|---|---|---|---|---|")
    for workers, waiting, free in CASES:
        snap = snapshot(workers, waiting, free)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            decided = plan(snap, Rules())
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"| {workers:,} | {waiting:,} | {free} | {statistics.median(times):.1f} "
            f"| {len(decided.assignments)} | {len(decided.preempt)} |"
        )


if __name__ == "__main__":
    main()
