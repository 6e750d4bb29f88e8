"""A load process: ``count`` virtual workers, from number ``first`` of ``total`` (spread
over the three targets round robin), on one asyncio loop. Each worker starts at its own
moment within one heartbeat interval (as a farm's workers do: their beats are spread).
SIGTERM stops them and writes :class:`LoadStats` as JSON to ``--out``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import signal
from dataclasses import asdict
from pathlib import Path

import orjson
import redis.utils

from bench.scale.virtual import DEFAULTS, LoadStats, Timing, VirtualWorker
from bench.throughput.services import PREFIX, TARGETS
from qgjob_store import Store
from qgjob_store.connection import connect
from qgjob_store.keys import Keys
from qgjob_store.scripts import Scripts

SPARE_CONNECTIONS = 64
STOP_WAIT_S = 3.0
NICE = 19
"""The load processes stand for devices on hosts of their own: they take the CPU the
control plane leaves (twenty of them on two cores starved the scheduler they measure, whose
passes then waited seconds for a core; at nice 10 Redis still spent half the drain waiting
in the run queue); their heartbeat lag shows whether they kept up."""


def lower_priority() -> None:
    """Run at :data:`NICE`, for the session's scheduling group too: with Linux's autogroup
    scheduling a process's nice counts only within its session, and each load process leads
    a session of its own, so its nice alone left it an equal share beside Redis."""
    os.nice(NICE)
    # no autogroups (another kernel, or turned off): the nice is enough
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(NICE))


# redis-py reads its own version from the package metadata for every connection it makes
# (the CLIENT SETINFO it sends): ~10 ms of disk and parsing each, which a real worker pays
# for its few connections but a process of a thousand workers would pay for thousands.
# Read once; every connection still sends it.
redis.utils.get_lib_version = functools.cache(redis.utils.get_lib_version)


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


async def serve(args: argparse.Namespace, stats: LoadStats) -> None:
    store = open_store(args.url, args.count)
    reader = open_store(args.url, args.count, block_ms=DEFAULTS.block_ms)
    timing = Timing(test_s=args.test_s, install_s=args.install_s)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    tasks: list[asyncio.Task[None]] = []
    spread = DEFAULTS.beat_interval_s / max(1, args.count)
    for i in range(args.count):
        wid, target = worker_id(args.first + i)
        vw = VirtualWorker(store, reader, wid, target, timing, stats)
        tasks.append(asyncio.create_task(vw.run(start_after_s=i * spread)))
    await stop.wait()
    args.out.write_bytes(orjson.dumps(asdict(stats)))
    for t in tasks:
        t.cancel()
    # a worker cancelled inside the client's pool may not end at once: the process exits
    # after a short wait either way (the figures are written)
    await asyncio.wait(tasks, timeout=STOP_WAIT_S)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.scale.load")
    p.add_argument("--url", required=True)
    p.add_argument("--first", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--test-s", type=float, required=True)
    p.add_argument("--install-s", type=float, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    lower_priority()
    # not asyncio.run: on the way out it waits for every task it cancels, and a task
    # cancelled inside the client's pool may never end; the figures are written by then
    asyncio.new_event_loop().run_until_complete(serve(args, LoadStats()))
    os._exit(0)  # no wait for connections left to the garbage collector


if __name__ == "__main__":
    main()
