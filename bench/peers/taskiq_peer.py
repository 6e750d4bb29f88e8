"""taskiq with taskiq-redis's ``RedisStreamBroker`` (a consumer group on a Redis stream, the
design closest to qgjob's): a no-op async task, no result backend.

Worker: 2 processes (one per core, the default), up to 100 tasks at once per process (the
default ``--max-async-tasks``), no prefetch limit (the default), acks when the result is
"saved" (the default ``when_saved``; with no result backend, right after the task ran),
``XREADGROUP`` with ``COUNT 100`` and ``BLOCK 2000`` (the broker's defaults), JSON
serializer (the default), log level WARNING (at its default, INFO, it logs every task). The
producer sends with 32 ``kiq()`` calls in flight (an asyncio
client's natural way).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import redis
from taskiq import TaskiqMiddleware
from taskiq_redis import RedisStreamBroker

from bench.peers.completions import COMPLETIONS, redis_url

QUEUE = "bench"
GROUP = "taskiq"
IN_FLIGHT = 32


class _Count(TaskiqMiddleware):
    def post_execute(self, message: Any, result: Any) -> None:
        COMPLETIONS.hit()


broker = RedisStreamBroker(
    url=redis_url(), queue_name=QUEUE, consumer_group_name=GROUP, consumer_id="0"
).with_middlewares(_Count())


@broker.task(task_name="noop")
async def noop() -> None:
    return None


def worker_argv() -> list[str]:
    return [
        str(Path(sys.executable).with_name("taskiq")),
        "worker",
        "bench.peers.taskiq_peer:broker",
        "--workers",
        "2",
        "--log-level",
        "WARNING",
    ]


async def _produce(n: int) -> tuple[float, float]:
    await broker.startup()
    todo = iter(range(n))

    async def sender() -> None:
        for _ in todo:
            await noop.kiq()

    started = time.time()
    await asyncio.gather(*(sender() for _ in range(IN_FLIGHT)))
    ended = time.time()
    await broker.shutdown()
    return started, ended


def produce(n: int) -> tuple[float, float]:
    return asyncio.run(_produce(n))


def drained(r: redis.Redis) -> bool:
    """Every entry delivered to the group and acked."""
    if not r.exists(QUEUE):
        return False
    last = r.xinfo_stream(QUEUE)["last-generated-id"]
    for g in r.xinfo_groups(QUEUE):
        if g["name"] in (GROUP, GROUP.encode()):
            return bool(g["pending"] == 0 and g["last-delivered-id"] == last)
    return False
