"""What every phase of a run shares: the platform, the bench's own clients of the store and
the API, and how many jobs were submitted so far (so a phase can wait for them to end)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from bench.throughput.config import BenchConfig
from bench.throughput.loadgen import client
from bench.throughput.services import ADMIN_TOKEN, PREFIX, BenchPlatform
from qgjob_schemas import TERMINAL_STATUSES
from qgjob_store import JobStore, StatsStore, Store

TERMINAL = {s.value for s in TERMINAL_STATUSES}

JSON = {"content-type": "application/json"}


def auth_headers() -> dict[str, str]:
    """Headers of every bench request: the operator token its API was started with."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class Session:
    platform: BenchPlatform
    config: BenchConfig
    store: Store
    jobs: JobStore
    http: httpx.AsyncClient

    @property
    def redis(self) -> Redis:
        return self.store.redis

    async def jobs_by_status(self) -> dict[str, int]:
        """Jobs per status, from the counters."""
        # not the operator's figures: their worker census costs a few commands per worker,
        # which every 50 ms of a drain at 5,000 workers weighed on the Redis it measures
        return (await StatsStore(self.store).stats(operator=False)).jobs_by_status

    async def jobs_in_store(self) -> int:
        """Jobs ever accepted (every status counted)."""
        return sum((await self.jobs_by_status()).values())

    async def wait_drained(self) -> float:
        """Wait until no job is waiting, running or waiting for a retry; returns the
        seconds waited."""
        started = time.monotonic()
        while unfinished := sum(
            n for status, n in (await self.jobs_by_status()).items() if status not in TERMINAL
        ):
            if time.monotonic() - started > self.config.timeout_s:
                raise TimeoutError(
                    f"{unfinished} jobs still not ended after {self.config.timeout_s:g}s; "
                    f"logs in {self.platform.workdir / 'logs'}"
                )
            self.platform.check_alive()
            await asyncio.sleep(0.05)
        return round(time.monotonic() - started, 2)

    async def wait_idle(self, target: str, workers: int, within_s: float = 10.0) -> None:
        """Wait until ``workers`` workers of ``target`` wait for work."""
        deadline = time.monotonic() + within_s
        while await asyncio.to_thread(self.platform.idle_workers, [target]) < workers:
            if time.monotonic() > deadline:
                raise TimeoutError(f"workers of {target} not idle after {within_s:g}s")
            await asyncio.sleep(0.005)  # between pickups: not part of any figure

    async def info(self, section: str) -> dict[str, Any]:
        info: dict[str, Any] = await self.redis.info(section)
        return info

    async def openapi(self) -> dict[str, Any]:
        r = await self.http.get("/openapi.json")
        r.raise_for_status()
        spec: dict[str, Any] = r.json()
        return spec


@asynccontextmanager
async def open_session(
    platform: BenchPlatform, config: BenchConfig, redis_url: str | None = None
) -> AsyncIterator[Session]:
    """A session on ``platform``; the bench's store client goes to ``redis_url`` (the
    platform's Redis unless given)."""
    store = Store.open(redis_url or platform.redis_url, prefix=PREFIX)
    http = client(platform.api_url, config.concurrency, auth_headers())
    try:
        yield Session(platform, config, store, JobStore(store), http)
    finally:
        await http.aclose()
        await store.close()
