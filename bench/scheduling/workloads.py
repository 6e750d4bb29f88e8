"""The benchmark's workloads, seeded and reproducible.

Every test path has a duration drawn once from a lognormal distribution with a median of
``TEST_MEDIAN_S`` (30 s) and sigma ``TEST_SIGMA`` (0.4): the same test takes the same time
on every app version and every run. An install takes ``INSTALL_S`` (60 s). Devices keep
``CACHE_SIZE`` app versions (least recently used evicted).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from qgjob_schemas import Priority

TEST_MEDIAN_S = 30.0
TEST_SIGMA = 0.4
INSTALL_S = 60.0
CACHE_SIZE = 8
SEED = 20261128


@dataclass(frozen=True)
class JobSpec:
    arrival: float
    org: str
    app: str
    target: str
    path: str
    duration: float
    priority: Priority = Priority.NORMAL


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    description: str
    workers: dict[str, int]
    jobs: tuple[JobSpec, ...]
    rerun: bool = False
    """Submit the same jobs again the moment every job of the first run has finished."""
    install_s: float = INSTALL_S
    cache_size: int = CACHE_SIZE


def _suite(rng: random.Random, n: int, prefix: str) -> list[tuple[str, float]]:
    """``n`` test paths with their durations."""
    return [
        (
            f"tests/{prefix}/t{k:04d}.spec.js",
            rng.lognormvariate(math.log(TEST_MEDIAN_S), TEST_SIGMA),
        )
        for k in range(n)
    ]


def _run(
    suite: list[tuple[str, float]],
    *,
    app: str,
    target: str,
    org: str = "acme",
    at: float = 0.0,
    priority: Priority = Priority.NORMAL,
) -> list[JobSpec]:
    return [JobSpec(at, org, app, target, path, d, priority) for path, d in suite]


def w1(seed: int = SEED) -> Workload:
    rng = random.Random(seed)
    jobs: list[JobSpec] = []
    for target in ("emulator", "device", "browserstack"):
        suite = _suite(rng, 50, target)
        for v in range(1, 21):
            jobs += _run(suite, app=f"v{v:02d}", target=target)
    return Workload(
        "W1",
        "balanced",
        "3 targets x 20 app versions x 50 tests, 4 workers per target, all at t=0",
        {"emulator": 4, "device": 4, "browserstack": 4},
        tuple(jobs),
    )


def w2(seed: int = SEED) -> Workload:
    suite = _suite(random.Random(seed + 2), 500, "big")
    jobs = _run(suite, app="A", target="emulator") + _run(suite, app="B", target="emulator")
    return Workload(
        "W2",
        "skewed",
        "2 app versions x 500 tests, one target, 8 workers",
        {"emulator": 8},
        tuple(jobs),
    )


def w3(seed: int = SEED) -> Workload:
    suite = _suite(random.Random(seed + 3), 2, "tiny")
    jobs: list[JobSpec] = []
    for v in range(300):
        jobs += _run(suite, app=f"b{v:03d}", target="emulator")
    return Workload(
        "W3",
        "many tiny groups",
        "300 app versions x 2 tests, 6 workers",
        {"emulator": 6},
        tuple(jobs),
    )


def w4(seed: int = SEED, big_suite: int = 3000) -> Workload:
    rng = random.Random(seed + 4)
    big = _run(_suite(rng, big_suite, "a"), app="a-1", target="emulator", org="org-a")
    small = _run(_suite(rng, 20, "b"), app="b-1", target="emulator", org="org-b", at=60.0)
    return Workload(
        "W4",
        "noisy neighbour",
        f"org A submits {big_suite:,} tests at t=0, org B 20 tests at t=60 s, 6 workers",
        {"emulator": 6},
        tuple(big + small),
    )


def w5(seed: int = SEED, hours: float = 4.0) -> Workload:
    """Normal suites (30 tests of one of 12 app versions) arrive as a Poisson stream, one
    every 170 s on average (about 80 % of 8 workers); single urgent jobs (each a new hotfix
    build) arrive every 300 s on average."""
    rng = random.Random(seed + 5)
    pool = _suite(rng, 200, "pool")
    jobs: list[JobSpec] = []
    t = rng.expovariate(1 / 170)
    while t < hours * 3600:
        app = f"r{rng.randrange(12):02d}"
        jobs += _run(rng.sample(pool, 30), app=app, target="emulator", at=round(t, 3))
        t += rng.expovariate(1 / 170)
    t, k = rng.expovariate(1 / 300), 0
    while t < hours * 3600:
        k += 1
        jobs += _run(
            [rng.choice(pool)],
            app=f"hotfix-{k}",
            target="emulator",
            at=round(t, 3),
            priority=Priority.URGENT,
        )
        t += rng.expovariate(1 / 300)
    jobs.sort(key=lambda j: j.arrival)
    return Workload(
        "W5",
        "mixed priorities",
        f"{hours:g} h of normal suites (30 tests, 12 versions, ~80 % load) and single urgent "
        "jobs of new hotfix builds, 8 workers",
        {"emulator": 8},
        tuple(jobs),
    )


def w6(seed: int = SEED) -> Workload:
    first = w1(seed)
    return Workload(
        "W6",
        "repeat run",
        "W1, then W1 again as soon as the first run has finished",
        first.workers,
        first.jobs,
        rerun=True,
    )


def all_workloads(seed: int = SEED) -> list[Workload]:
    return [w1(seed), w2(seed), w3(seed), w4(seed), w5(seed), w6(seed)]
