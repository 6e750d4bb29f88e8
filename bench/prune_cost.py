"""What housekeeping's ``prune`` costs Redis per script call, with N workers' consumers on
the assignment streams, each holding one pending entry: ``python -m bench.prune_cost``.

It starts a ``redis-server`` of its own, registers ``--workers`` workers spread over the three
targets (a consumer and a pending entry each on its target's stream), runs one prune of the
whole store (:func:`qgjob_store.maintenance.prune`, nothing idle long enough to go) with the
slow log logging every command, and prints the number of script calls, the longest and
their sum (Redis's own times), and the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import redis as sync_redis

from qgjob_schemas import Target
from qgjob_store import Store
from qgjob_store.connection import connect
from qgjob_store.consumer import ensure_group
from qgjob_store.keys import WORKER_GROUP, Keys
from qgjob_store.maintenance import prune
from qgjob_store.scripts import Scripts
from tests.support.redis_server import RedisServer


async def _farm(store: Store, workers: int) -> None:
    r, keys = store.redis, store.keys
    targets = [t.value for t in Target]
    for k, target in enumerate(targets):
        ids = [f"{target}-w{i}" for i in range(k, workers, len(targets))]
        stream = keys.assign(target)
        await ensure_group(r, stream, WORKER_GROUP)
        async with r.pipeline(transaction=False) as pipe:
            for wid in ids:
                pipe.xadd(stream, {"group": f"g-{wid}"})
                pipe.sadd(keys.workers(), wid)
            await pipe.execute()
        async with r.pipeline(transaction=False) as pipe:
            for wid in ids:
                pipe.xreadgroup(WORKER_GROUP, wid, {stream: ">"}, count=1)
            await pipe.execute()


async def measure(workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            r = connect(server.url)
            keys = Keys("bench")
            store = Store(redis=r, keys=keys, scripts=Scripts(r, keys))
            await _farm(store, workers)
            await r.script_load(store.scripts.source("prune").text)  # no NOSCRIPT call counted
            log = sync_redis.Redis(port=server.port)
            log.config_set("slowlog-max-len", 1_000_000)
            log.config_set("slowlog-log-slower-than", 0)
            log.slowlog_reset()
            started = time.perf_counter()
            await prune(store, 3600.0)
            wall = time.perf_counter() - started
            calls = [
                int(e["duration"])
                for e in log.slowlog_get(1_000_000)
                if bytes(e["command"]).upper().startswith(b"EVALSHA")
            ]
            log.close()
            await r.aclose()
        finally:
            server.stop()
    return {
        "calls": len(calls),
        "longest_ms": max(calls, default=0) / 1000,
        "sum_ms": sum(calls) / 1000,
        "wall_ms": wall * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=5000, help="workers (default 5,000)")
    args = parser.parse_args()
    m = asyncio.run(measure(args.workers))
    print("| workers | script calls | longest call (ms) | all calls (ms) | wall (ms) |")
    print("|---|---|---|---|---|")
    print(
        f"| {args.workers:,} | {m['calls']:.0f} | {m['longest_ms']:.2f} | {m['sum_ms']:.2f} "
        f"| {m['wall_ms']:.1f} |"
    )


if __name__ == "__main__":
    main()
