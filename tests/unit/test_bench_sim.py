"""The scheduling benchmark's simulation: it conserves jobs, never beats its lower bound,
is reproducible, and shows what grouping and the policy are for."""

from __future__ import annotations

import random

from bench.scheduling.baselines import fifo
from bench.scheduling.report import lower_bound, org_b_bound, row
from bench.scheduling.sim import Mechanics, simulate
from bench.scheduling.workloads import JobSpec, Workload, w4
from qgjob_scheduler.policy import Rules, plan
from qgjob_schemas import Priority


def small(seed: int) -> Workload:
    rng = random.Random(seed)
    jobs = [
        JobSpec(
            arrival=rng.choice([0.0, 0.0, 200.0, 900.0]),
            org=rng.choice(["a", "b"]),
            app=f"v{rng.randrange(4)}",
            target="emulator",
            path=f"tests/t{i % 15}.spec.js",
            duration=rng.uniform(5, 60),
            priority=rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.URGENT]),
        )
        for i in range(120)
    ]
    return Workload("S", "small", "random", {"emulator": 3}, tuple(jobs), cache_size=2)


def qgjob(snapshot):  # type: ignore[no-untyped-def]
    return plan(snapshot, Rules())


def test_every_job_runs_once_and_no_policy_beats_the_bound() -> None:
    for seed in range(4):
        w = small(seed)
        bound = lower_bound(w)
        runs = {
            "naive": simulate(w, fifo, Mechanics(group_max_size=1, cache=False, preempts=False)),
            "groups": simulate(w, fifo, Mechanics(preempts=False)),
            "qgjob": simulate(w, qgjob, Mechanics()),
        }
        for name, result in runs.items():
            assert len(result.jobs) == 120, name
            assert all(j.start is not None and j.end is not None for j in result.jobs), name
            assert row(w, name, result).makespan >= bound - 1e-6, (seed, name)
        assert len(runs["naive"].installs) == 120
        assert len(runs["qgjob"].installs) < len(runs["naive"].installs)


def test_the_simulation_is_reproducible() -> None:
    w = small(7)
    first, second = simulate(w, qgjob, Mechanics()), simulate(w, qgjob, Mechanics())
    assert [(j.start, j.end) for j in first.jobs] == [(j.start, j.end) for j in second.jobs]


def test_a_noisy_neighbour_does_not_hold_a_small_org_behind_it() -> None:
    w = w4(big_suite=600)
    fair = row(w, "qgjob", simulate(w, qgjob, Mechanics()))
    fifo_groups = row(w, "groups", simulate(w, fifo, Mechanics(preempts=False)))
    bound = org_b_bound(w)
    assert fair.p95_org_b is not None and fifo_groups.p95_org_b is not None and bound is not None
    assert bound <= fair.p95_org_b < 600
    assert fifo_groups.p95_org_b > 2_000
