"""``qgjob-scheduler``: run one scheduler replica."""

from __future__ import annotations

import asyncio
import sys

import structlog
from prometheus_client import CollectorRegistry

from qgjob_core.lifecycle import install_stop_handlers
from qgjob_core.logging import configure
from qgjob_core.metrics import StoreCollector, refresh_until, serve_metrics
from qgjob_redis import StatsStore, Store, StoreConfigError, require_shared_store
from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings


async def serve(settings: SchedulerSettings) -> None:
    stop = asyncio.Event()
    install_stop_handlers(stop)
    store = Store.open(
        settings.redis_url, prefix=settings.key_prefix, retention=settings.retention()
    )
    reader = Store.open(
        settings.redis_url,
        prefix=settings.key_prefix,
        retention=settings.retention(),
        block_ms=settings.block_ms,
    )
    tasks = []
    if settings.metrics_port:
        collector = StoreCollector()
        registry = CollectorRegistry()
        registry.register(collector)
        serve_metrics(registry, settings.metrics_port)
        tasks.append(refresh_until(stop, collector, StatsStore(store).stats))
    try:
        await asyncio.gather(Scheduler(settings, store, reader).run(stop), *tasks)
    finally:
        await reader.close()
        await store.close()


def main() -> None:
    settings = SchedulerSettings()
    configure("scheduler", level=settings.log_level, fmt=settings.log_format)
    try:
        require_shared_store(settings.redis_url, "qgjob-scheduler")
    except StoreConfigError as exc:
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
