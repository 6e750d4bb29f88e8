"""``qgjob-worker --target T``: run one worker; ``--check`` is its liveness probe."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

import structlog

from qgjob_core import tracing
from qgjob_core.lifecycle import install_stop_handlers, run
from qgjob_core.logging import configure
from qgjob_core.metrics import refresh_until, serve_metrics
from qgjob_store import StatsStore, Store, StoreConfigError, require_shared_store
from qgjob_worker.drivers import ConfigurationError, find_factory, load_driver
from qgjob_worker.metrics import MeteredDriver, WorkerMetrics
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qgjob-worker",
        description="Run a qgjob worker for one target. Settings come from QGJOB_* variables.",
    )
    parser.add_argument(
        "--target",
        choices=["emulator", "device", "browserstack"],
        help="target to serve (default: QGJOB_TARGET, else emulator)",
    )
    parser.add_argument(
        "--worker-id", help="worker id (default: QGJOB_WORKER_ID, else <target>-<host>)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 0 if this worker's heartbeat is fresh, 1 if stale or missing",
    )
    return parser


def _parse(argv: list[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def _settings(args: argparse.Namespace) -> WorkerSettings:
    overrides: dict[str, str] = {}
    if args.target:
        overrides["target"] = args.target
    if args.worker_id:
        overrides["worker_id"] = args.worker_id
    return WorkerSettings(**overrides)  # type: ignore[arg-type]


async def check(settings: WorkerSettings) -> int:
    """0 when the heartbeat key of this worker exists (it has a TTL), else 1."""
    store = Store.open(settings.redis_url, prefix=settings.key_prefix)
    worker_id = settings.resolved_id(socket.gethostname())
    try:
        alive = await store.redis.exists(store.keys.heartbeat(worker_id))
    except Exception as exc:
        print(f"qgjob-worker --check: store unreachable: {exc}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    if not alive:
        print(f"qgjob-worker --check: no fresh heartbeat from {worker_id}", file=sys.stderr)
    return 0 if alive else 1


async def serve(settings: WorkerSettings) -> None:
    stop = asyncio.Event()
    install_stop_handlers(stop)
    tracing.configure("qgjob-worker")
    retention = settings.retention()
    store = Store.open(settings.redis_url, prefix=settings.key_prefix, retention=retention)
    reader = Store.open(
        settings.redis_url,
        prefix=settings.key_prefix,
        retention=retention,
        block_ms=settings.block_ms,
    )
    worker_id = settings.resolved_id(socket.gethostname())
    metrics = WorkerMetrics()
    try:
        driver = MeteredDriver(load_driver(settings, store, worker_id), metrics)
    except ConfigurationError as exc:
        await reader.close()
        await store.close()
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    tasks = []
    if settings.metrics_port:
        serve_metrics(metrics.registry, settings.metrics_port, settings.host)
        tasks.append(refresh_until(stop, metrics.store, StatsStore(store).stats))
    try:
        await asyncio.gather(Worker(settings, store, reader, driver, worker_id).run(stop), *tasks)
    finally:
        await driver.aclose()
        await reader.close()
        await store.close()


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    settings = _settings(args)
    if args.check:
        sys.exit(asyncio.run(check(settings)))
    configure("worker", level=settings.log_level, fmt=settings.log_format)
    try:
        require_shared_store(settings.redis_url, "qgjob-worker")
        find_factory(settings.driver)
    except (StoreConfigError, ConfigurationError) as exc:
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    run(serve(settings))


if __name__ == "__main__":
    main()
