"""A closed-loop HTTP load generator: ``concurrency`` clients over HTTP/1.1 keep-alive
connections (httpx), each sending its next request as soon as the last one answered."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

Request = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
"""Sends request number ``i`` on the client and returns the response."""


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_s: list[float] = field(repr=False)
    errors: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float | int | dict[str, int]]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_s": round(self.rate, 1),
            "p50_ms": round(percentile(self.latencies_s, 50) * 1000, 2),
            "p99_ms": round(percentile(self.latencies_s, 99) * 1000, 2),
            "errors": self.errors,
        }


def client(base_url: str, concurrency: int, headers: dict[str, str]) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=30, headers=headers, http2=False
    )


async def run_load(
    http: httpx.AsyncClient,
    send: Request,
    *,
    requests: int,
    concurrency: int,
    expect: int,
    warmup: int = 0,
    max_seconds: float = float("inf"),
) -> LoadResult:
    """Send ``warmup`` unmeasured requests, then ``requests`` measured ones from
    ``concurrency`` clients, or as many as are sent within ``max_seconds``. A response
    other than ``expect`` counts as an error."""
    await _drive(http, send, range(warmup), concurrency, expect, [], {}, max_seconds)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    started = time.perf_counter()
    numbers = range(warmup, warmup + requests)
    await _drive(http, send, numbers, concurrency, expect, latencies, errors, max_seconds)
    return LoadResult(len(latencies), time.perf_counter() - started, latencies, errors)


async def _drive(
    http: httpx.AsyncClient,
    send: Request,
    numbers: range,
    concurrency: int,
    expect: int,
    latencies: list[float],
    errors: dict[str, int],
    max_seconds: float,
) -> None:
    todo = iter(numbers)
    deadline = time.perf_counter() + max_seconds

    async def one_client() -> None:
        for i in todo:  # the clients share one iterator: each number is sent once
            t0 = time.perf_counter()
            if t0 > deadline:
                return
            try:
                response = await send(http, i)
                code = str(response.status_code)
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            latencies.append(time.perf_counter() - t0)
            if code != str(expect):
                errors[code] = errors.get(code, 0) + 1

    await asyncio.gather(*(one_client() for _ in range(concurrency)))
