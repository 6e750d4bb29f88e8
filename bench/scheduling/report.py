"""Figures of a simulated run, the lower bound, the table and the targets.

Wait: from a job's submission to the start of its test (an install before it counts as
waiting). p95: the nearest-rank 95th percentile. Makespan: from the first submission to
the last test's end.

Lower bound on the makespan, per target, the largest of:

* ``(sum of test durations + versions x install) / workers`` — every test must run and
  every app version must be installed at least once;
* ``t + (sum of durations of the tests submitted at t or later) / workers`` for every
  submission time ``t`` — work that arrives late cannot start before it arrives;
* ``max(submission, first submission of its app version + install) + duration`` of every
  job — its own chain: it cannot start before it arrives, nor before its version could
  first have been installed.

The workload's bound is the largest over its targets, counted from the first submission.
W6 (a second run submitted when the first ends): the bound of the first run plus the bound
of the second with no installs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bench.scheduling.sim import SimResult
from bench.scheduling.workloads import JobSpec, Workload
from qgjob_schemas import Priority

ORG_B = "org-b"
MAX_RATIO = 1.15
INSTALL_FACTOR = 1.5
ORG_B_WAIT_S = 120.0
RERUN_SHARE = 0.05


def p95(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _target_bound(jobs: Sequence[JobSpec], workers: int, install_s: float) -> float:
    versions = len({(j.org, j.app) for j in jobs})
    bound = (sum(j.duration for j in jobs) + versions * install_s) / workers
    later = 0.0
    for t, durations in sorted(_by_arrival(jobs).items(), reverse=True):
        later += sum(durations)
        bound = max(bound, t + later / workers)
    first: dict[tuple[str, str], float] = {}
    for j in jobs:
        key = (j.org, j.app)
        first[key] = min(first.get(key, j.arrival), j.arrival)
    chain = max(max(j.arrival, first[(j.org, j.app)] + install_s) + j.duration for j in jobs)
    return max(bound, chain) - min(j.arrival for j in jobs)


def _by_arrival(jobs: Sequence[JobSpec]) -> dict[float, list[float]]:
    out: dict[float, list[float]] = defaultdict(list)
    for j in jobs:
        out[j.arrival].append(j.duration)
    return out


def lower_bound(w: Workload) -> float:
    per_target: dict[str, list[JobSpec]] = defaultdict(list)
    for j in w.jobs:
        per_target[j.target].append(j)
    first = max(_target_bound(js, w.workers[t], w.install_s) for t, js in per_target.items())
    if not w.rerun:
        return first
    again = max(_target_bound(js, w.workers[t], 0.0) for t, js in per_target.items())
    return first + again


def min_installs(w: Workload) -> int:
    """One install per app version and target (a second run needs none)."""
    return len({(j.org, j.app, j.target) for j in w.jobs})


def devices_needed(w: Workload, bound: float) -> int:
    """Installs any schedule needs to end within ``MAX_RATIO x bound``: each device that
    runs a test installs first, and fewer devices than this cannot do the work in time."""
    need = 0
    for target, count in w.workers.items():
        work = sum(j.duration for j in w.jobs if j.target == target)
        for k in range(1, count + 1):
            if work / k + w.install_s <= MAX_RATIO * bound:
                need += k
                break
        else:
            need += count
    return max(need, min_installs(w))


def org_b_bound(w: Workload) -> float | None:
    """Org B's p95 wait if every worker were B's the moment B submits: each installs B's
    app, then B's tests run shortest first."""
    jobs = sorted((j for j in w.jobs if j.org == ORG_B), key=lambda j: j.duration)
    if not jobs:
        return None
    lanes = [w.install_s] * sum(w.workers.values())
    waits = []
    for j in jobs:
        lanes.sort()
        waits.append(lanes[0])
        lanes[0] += j.duration
    return p95(waits)


@dataclass(frozen=True)
class Row:
    workload: str
    policy: str
    installs: int
    makespan: float
    bound: float
    p95_urgent: float | None
    p95_normal: float | None
    p95_org_b: float | None
    second_run_installs: int | None
    first_run_installs: int | None
    saved_vs_naive: float | None = None

    @property
    def ratio(self) -> float:
        return self.makespan / self.bound


def row(w: Workload, policy: str, r: SimResult) -> Row:
    waits: dict[str, list[float]] = defaultdict(list)
    for j in r.jobs:
        assert j.start is not None
        wait = j.start - j.arrival
        waits[j.spec.priority.value].append(wait)
        if j.spec.org == ORG_B:
            waits[ORG_B].append(wait)
    end = max(j.end for j in r.jobs if j.end is not None)
    second = None if r.rerun_at is None else sum(1 for t in r.installs if t >= r.rerun_at)
    return Row(
        workload=w.name,
        policy=policy,
        installs=len(r.installs),
        makespan=end - min(j.arrival for j in r.jobs),
        bound=lower_bound(w),
        p95_urgent=p95(waits[Priority.URGENT.value]),
        p95_normal=p95(waits[Priority.NORMAL.value]),
        p95_org_b=p95(waits[ORG_B]),
        second_run_installs=second,
        first_run_installs=None if second is None else len(r.installs) - second,
    )


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} s"


def table(rows: Sequence[Row]) -> str:
    head = (
        "| workload | policy | installs | saved vs naive | makespan | makespan / bound "
        "| p95 wait urgent | p95 wait normal | org B p95 wait |"
    )
    lines = [head, "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        saved = "—" if r.saved_vs_naive is None else f"{r.saved_vs_naive:.1f} %"
        installs = f"{r.installs:,}"
        if r.second_run_installs is not None:
            installs += f" ({r.first_run_installs} + {r.second_run_installs})"
        lines.append(
            f"| {r.workload} | {r.policy} | {installs} | {saved} | {_s(r.makespan)} "
            f"| {r.ratio:.3f} | {_s(r.p95_urgent)} | {_s(r.p95_normal)} | {_s(r.p95_org_b)} |"
        )
    return "\n".join(lines)


def with_savings(rows: list[Row]) -> list[Row]:
    naive = {r.workload: r.installs for r in rows if r.policy == "naive"}
    out = []
    for r in rows:
        base = naive.get(r.workload)
        saved = None if not base else 100 * (1 - r.installs / base)
        out.append(replace(r, saved_vs_naive=saved))
    return out
