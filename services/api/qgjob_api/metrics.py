"""The API's Prometheus registry: request latency by route, and the store's figures."""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

from qgjob_core.metrics import StoreCollector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ApiMetrics:
    """One process's metrics; with several API processes (``PROMETHEUS_MULTIPROC_DIR`` set
    by their parent) the latency histograms are read back summed over all of them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        shared = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        if shared:
            MultiProcessCollector(self.registry)  # type: ignore[no-untyped-call]
        self.latency = Histogram(
            "qgjob_http_request_duration_seconds",
            "API request latency by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=None if shared else self.registry,
        )
        self.store = StoreCollector()
        self.registry.register(self.store)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route, str(status)).observe(seconds)
