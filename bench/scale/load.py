"""A load process: ``count`` virtual workers, from number ``first`` of ``total`` (spread
over the three targets round robin), on one asyncio loop. Each worker starts at its own
moment within one heartbeat interval (as a farm's workers do: their beats are spread).
SIGTERM stops them and writes :class:`LoadStats` as JSON to ``--out``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from dataclasses import asdict
from pathlib import Path

import orjson

from bench.scale.virtual import DEFAULTS, LoadStats, Timing, VirtualWorker
from bench.throughput.services import PREFIX, TARGETS
from qgjob_store import Store
from qgjob_store.connection import connect
from qgjob_store.keys import Keys
from qgjob_store.scripts import Scripts

SPARE_CONNECTIONS = 64


def worker_id(n: int) -> tuple[str, str]:
    """Worker number ``n``'s id and target."""
    target = TARGETS[n % len(TARGETS)]
    return f"{target}-vw{n:05d}", target


def open_store(url: str, connections: int, *, block_ms: int = 0) -> Store:
    """A store whose pool has room for every virtual worker of the process: each holds a
    connection of its own for its hot path (``acquire``/``start``/``finish``) and, on the
    reader, one for its blocking read; one process's pool serves them as theirs would."""
    redis = connect(url, block_ms=block_ms, max_connections=connections + SPARE_CONNECTIONS)
    keys = Keys(PREFIX)
    return Store(redis=redis, keys=keys, scripts=Scripts(redis, keys))


async def serve(args: argparse.Namespace) -> LoadStats:
    stats = LoadStats()
    store = open_store(args.url, args.count)
    reader = open_store(args.url, args.count, block_ms=DEFAULTS.block_ms)
    timing = Timing(test_s=args.test_s, install_s=args.install_s)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    tasks: list[asyncio.Task[None]] = []
    spread = DEFAULTS.heartbeat_interval_s / max(1, args.count)
    try:
        for i in range(args.count):
            wid, target = worker_id(args.first + i)
            vw = VirtualWorker(store, reader, wid, target, timing, stats)
            tasks.append(asyncio.create_task(vw.run()))
            # pacing the starts (not synchronising): beats spread over one interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), spread)
            if stop.is_set():
                break
        await stop.wait()
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await reader.close()
        await store.close()
    return stats


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.scale.load")
    p.add_argument("--url", required=True)
    p.add_argument("--first", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--test-s", type=float, required=True)
    p.add_argument("--install-s", type=float, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    stats = asyncio.run(serve(args))
    args.out.write_bytes(orjson.dumps(asdict(stats)))


if __name__ == "__main__":
    main()
