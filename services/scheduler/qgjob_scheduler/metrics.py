"""The scheduler's own metric: whether this replica plans the dispatches (holds the dispatch
lock), beside the store's figures every service exposes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


class LeadingCollector(Collector):
    def __init__(self, leading: Callable[[], bool]) -> None:
        self._leading = leading

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "qgjob_scheduler_leading",
            "1 while this scheduler replica holds the dispatch lock (plans dispatches).",
            value=int(self._leading()),
        )
