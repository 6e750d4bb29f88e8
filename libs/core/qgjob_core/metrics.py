"""Prometheus metrics every service exposes: the store's figures (jobs, queues, installs,
retries, dead letters, workers) from a :class:`~qgjob_schemas.Stats` snapshot, and a small
HTTP port for the services that have no API of their own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from wsgiref.simple_server import WSGIServer

import structlog
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from qgjob_core.lifecycle import wait_or_stop
from qgjob_schemas import Stats

log = structlog.get_logger("qgjob.metrics")


class StoreCollector(Collector):
    """Exposes the latest :class:`Stats` snapshot (set ``snapshot`` before a scrape), and
    whether the store answered the latest read (``store_up``; ``None`` before the first)."""

    def __init__(self) -> None:
        self.snapshot: Stats | None = None
        self.store_up: bool | None = None

    def read(self, snapshot: Stats | None) -> None:
        """The latest read: its snapshot, or ``None`` when the store did not answer (the
        figures are then left out rather than shown stale)."""
        self.snapshot, self.store_up = snapshot, snapshot is not None

    def collect(self) -> Iterator[Metric]:
        if self.store_up is not None:
            yield GaugeMetricFamily(
                "qgjob_store_up",
                "1 when the store (Redis) answered the latest read, 0 when it did not.",
                value=int(self.store_up),
            )
        s = self.snapshot
        if s is None:
            return
        jobs = GaugeMetricFamily("qgjob_jobs", "Jobs by status.", labels=["status"])
        for status, n in s.jobs_by_status.items():
            jobs.add_metric([status], n)
        yield jobs
        installs = CounterMetricFamily(
            "qgjob_installs", "App installs done, and saved (already installed).", labels=["kind"]
        )
        installs.add_metric(["done"], s.installs_done)
        installs.add_metric(["saved"], s.installs_saved)
        yield installs
        yield CounterMetricFamily("qgjob_groups_formed", "Groups formed.", value=s.groups_formed)
        yield CounterMetricFamily(
            "qgjob_retries", "Runs retried after an infrastructure error.", value=s.retries
        )
        yield CounterMetricFamily(
            "qgjob_dead_letters", "Entries sent to the dead-letter stream.", value=s.dead_letters
        )
        yield GaugeMetricFamily(
            "qgjob_jobs_per_minute", "Jobs finished per minute (5 min).", value=s.jobs_per_minute
        )
        yield from _finished(s)
        yield from _waits(s)
        yield from _queues(s)
        yield from _workers(s)


def _finished(s: Stats) -> Iterator[Metric]:
    finished = CounterMetricFamily(
        "qgjob_jobs_finished",
        "Jobs that reached a terminal status, by target and status.",
        labels=["target", "status"],
    )
    for target, statuses in sorted(s.jobs_finished_by_target.items()):
        for status, n in sorted(statuses.items()):
            finished.add_metric([target, status], n)
    yield finished


def _waits(s: Stats) -> Iterator[Metric]:
    waits = GaugeMetricFamily(
        "qgjob_queue_wait_seconds",
        "Queue wait (submit to first run) over the latest 1,000 starts, by quantile.",
        labels=["quantile"],
    )
    for q, value in (("0.5", s.queue_wait_p50_s), ("0.95", s.queue_wait_p95_s)):
        if value is not None:
            waits.add_metric([q], value)
    yield waits


def _queues(s: Stats) -> Iterator[Metric]:
    if not s.queues:
        return
    depth = GaugeMetricFamily("qgjob_queue_depth", "Unacked entries per stream.", labels=["stream"])
    lag = GaugeMetricFamily("qgjob_queue_lag", "Unread entries per stream.", labels=["stream"])
    for name, q in s.queues.items():
        depth.add_metric([name], q.depth)
        lag.add_metric([name], q.lag)
    yield depth
    yield lag


def _workers(s: Stats) -> Iterator[Metric]:
    if s.workers_by_state is None:
        return
    workers = GaugeMetricFamily("qgjob_workers", "Workers by state.", labels=["state"])
    for state, n in s.workers_by_state.items():
        workers.add_metric([state], n)
    yield workers
    per_target = GaugeMetricFamily(
        "qgjob_target_workers", "Workers per target and state.", labels=["target", "state"]
    )
    for target, states in sorted((s.workers_by_target or {}).items()):
        for state, n in sorted(states.items()):
            per_target.add_metric([target, state], n)
    yield per_target


def serve_metrics(
    registry: CollectorRegistry, port: int, host: str
) -> tuple[WSGIServer, threading.Thread]:
    """Serve ``registry`` as Prometheus text on ``host:port`` (any path) from a thread."""
    server, thread = start_http_server(port, addr=host, registry=registry)
    log.info("metrics served", port=server.server_port)
    return server, thread


async def refresh_until(
    stop: asyncio.Event,
    collector: StoreCollector,
    read: Callable[[], Awaitable[Stats]],
    interval_s: float = 5.0,
) -> None:
    """Refresh the collector's snapshot every ``interval_s`` until ``stop`` is set."""
    while True:
        try:
            collector.read(await read())
        except Exception as exc:  # the store may be away; metrics must not stop the service
            collector.read(None)
            log.warning("metrics refresh failed", error=str(exc) or type(exc).__name__)
        if await wait_or_stop(stop, interval_s):
            return
