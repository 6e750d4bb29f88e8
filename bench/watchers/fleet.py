"""One load process: its share of the watchers, each in a loop (submit a suite, follow it
to its end, again) until the window closes, at its share of the submission pace.

Suites are stored through ``qgjob_store.SuiteStore.create`` (what ``POST /v1/suites`` calls),
not through the API: the API's CPU then counts the watchers' streams only."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import uvloop

from bench.throughput.services import PREFIX, TARGETS
from bench.watchers.sse import Endpoint, Followed, follow
from qgjob_schemas import SuitePayload, Target
from qgjob_store import Store, SuiteStore
from qgjob_store.ids import new_id

MAX_ATTEMPTS = 3
SAMPLE_S = 0.5
SUBMITTING = 16
"""Suites stored at once, well within the store client's pool (a busy machine slows each
call, and a thousand watchers whose turn came together would empty it)."""


@dataclass(frozen=True)
class FleetPlan:
    """What one load process does; times are this machine's clock (``time.time``)."""

    index: int
    watchers: range
    start_at: float
    """The first suite is submitted then (the processes start at different times)."""
    jobs_per_s: float
    jobs_per_suite: int
    stop_at: float
    """No suite is submitted after it; the suites followed then are followed to their end."""
    api_url: str
    redis_url: str
    token: str
    follow_timeout_s: float


class Pacer:
    """Hands out jobs at ``per_s``: a watcher waits for its suite's turn."""

    def __init__(self, per_s: float) -> None:
        self.interval = 1.0 / per_s
        self.next_at = time.monotonic()

    async def take(self, jobs: int) -> None:
        at = self.next_at = max(self.next_at, time.monotonic())
        self.next_at += jobs * self.interval
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)  # pacing, not waiting for anything


def serve_fleet(conn: Connection) -> None:
    """The process's entry point (multiprocessing, spawn): says it is ready (its modules
    imported), takes its plan, runs it and sends its records back (or what failed)."""
    conn.send("ready")
    plan = conn.recv()
    try:
        result: object = uvloop.run(_fleet(plan))
    except Exception as exc:
        result = RuntimeError(f"load process {plan.index}: {type(exc).__name__}: {exc}")
    conn.send(result)
    conn.close()


async def _fleet(plan: FleetPlan) -> dict[str, Any]:
    store = Store.open(plan.redis_url, prefix=PREFIX)
    suites = SuiteStore(store)
    api = Endpoint.of(plan.api_url, plan.token)
    pacer = Pacer(plan.jobs_per_s)
    submitting = asyncio.Semaphore(SUBMITTING)
    records: list[Followed] = []
    following = [0]
    samples: list[tuple[float, int, float]] = []
    """(time, suites being followed, this process's CPU seconds so far)"""

    async def watcher(slot: int) -> None:
        n = 0
        while True:
            await pacer.take(plan.jobs_per_suite)
            if time.time() >= plan.stop_at:
                return
            async with submitting:
                f = await _submit(suites, plan, slot, n)
            n += 1
            following[0] += 1
            try:
                records.append(await follow(api, f, time.monotonic() + plan.follow_timeout_s))
            finally:
                following[0] -= 1

    async def sampler() -> None:
        while True:
            samples.append((time.time(), following[0], _own_cpu()))
            await asyncio.sleep(SAMPLE_S)

    await asyncio.sleep(max(0.0, plan.start_at - time.time()))
    pacer.next_at = time.monotonic()
    sampling = asyncio.create_task(sampler())
    try:
        await asyncio.gather(*(watcher(s) for s in plan.watchers))
    finally:
        sampling.cancel()
        await store.close()
    return {
        "index": plan.index,
        "pid": os.getpid(),
        "records": [dataclasses.asdict(r) for r in records],
        "samples": samples,
    }


async def _submit(suites: SuiteStore, plan: FleetPlan, slot: int, n: int) -> Followed:
    """A suite of its own for the watcher: its own app version (so one group, its jobs one
    after another on one lane), on one target (round robin over the watchers)."""
    suite_id = "s" + new_id()
    payload = SuitePayload(
        org_id=f"org-{slot % 4}",
        app_version_id=f"w{slot:05d}-{n:04d}",
        tests=[f"tests/watch/t{i}.spec.js" for i in range(plan.jobs_per_suite)],
        targets=[Target(TARGETS[slot % len(TARGETS)])],
    )
    submitted = time.time()
    suite = await suites.create(
        suite_id,
        payload.org_id or "",
        payload,
        default_max_attempts=MAX_ATTEMPTS,
        job_id=lambda _i: new_id(),
    )
    return Followed(suite_id, list(suite.job_ids), submitted)


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system
