"""``qgjob-scheduler``: run one scheduler replica; ``--check`` is its liveness probe."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import structlog
from prometheus_client import CollectorRegistry

from qgjob_core import alive, tracing
from qgjob_core.lifecycle import install_stop_handlers, run
from qgjob_core.logging import configure
from qgjob_core.metrics import StoreCollector, refresh_until, serve_metrics
from qgjob_scheduler.metrics import LeadingCollector
from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_store import StatsStore, Store, StoreConfigError, require_shared_store


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qgjob-scheduler",
        description="Run a qgjob scheduler replica. Settings come from QGJOB_* variables.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 0 if the scheduler running in this container touched QGJOB_ALIVE_FILE "
        "within QGJOB_ALIVE_MAX_AGE_S, 1 if not, 2 if no file is configured",
    )
    return parser


async def serve(settings: SchedulerSettings) -> None:
    stop = asyncio.Event()
    install_stop_handlers(stop)
    tracing.configure("qgjob-scheduler")
    store = Store.open(
        settings.redis_url, prefix=settings.key_prefix, retention=settings.retention()
    )
    reader = Store.open(
        settings.redis_url,
        prefix=settings.key_prefix,
        retention=settings.retention(),
        block_ms=settings.block_ms,
    )
    scheduler = Scheduler(settings, store, reader)
    tasks = [scheduler.run(stop)]
    if settings.metrics_port:
        collector = StoreCollector()
        registry = CollectorRegistry()
        registry.register(collector)
        registry.register(LeadingCollector(lambda: scheduler.leading))
        serve_metrics(registry, settings.metrics_port, settings.host)
        tasks.append(refresh_until(stop, collector, StatsStore(store).stats))
    if settings.alive_file:
        interval = settings.alive_max_age_s / 3
        tasks.append(alive.keep_touching(Path(settings.alive_file), interval, stop))
    try:
        await asyncio.gather(*tasks)
    finally:
        await reader.close()
        await store.close()


def check(settings: SchedulerSettings) -> int:
    code, message = alive.check(settings.alive_file, settings.alive_max_age_s)
    if code != alive.OK:
        print(f"qgjob-scheduler --check: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = SchedulerSettings()
    if args.check:
        sys.exit(check(settings))
    configure("scheduler", level=settings.log_level, fmt=settings.log_format)
    try:
        require_shared_store(settings.redis_url, "qgjob-scheduler")
    except StoreConfigError as exc:
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    run(serve(settings))


if __name__ == "__main__":
    main()
