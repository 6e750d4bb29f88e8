"""Dramatiq with its Redis broker: a no-op actor, no result backend.

Worker: 2 processes (one per core) of 8 threads each (the default), the default
middleware (age limit, time limit, shutdown notifications, callbacks, pipelines, retries;
``max_retries=0``), prefetch twice the threads (the default), acks after the message is
processed (Dramatiq's only mode), JSON encoder (the default).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

from bench.peers.completions import COMPLETIONS, redis_url

QUEUE = "bench"
NAMESPACE = "dramatiq"


class _Count(Middleware):
    def after_process_message(
        self, broker: dramatiq.Broker, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        COMPLETIONS.hit()


broker = RedisBroker(url=redis_url(), namespace=NAMESPACE)
broker.add_middleware(_Count())
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name=QUEUE, max_retries=0)
def noop() -> None:
    return None


def worker_argv() -> list[str]:
    return [
        str(Path(sys.executable).with_name("dramatiq")),
        "bench.peers.dramatiq_peer",
        "--processes",
        "2",
        "--threads",
        "8",
        "--queues",
        QUEUE,
    ]


def produce(n: int) -> tuple[float, float]:
    """``noop.send()`` ``n`` times, one after another."""
    started = time.time()
    for _ in range(n):
        noop.send()
    return started, time.time()


def drained(r: redis.Redis) -> bool:
    """Every message acked (a message's body is deleted when it is acked)."""
    return r.hlen(f"{NAMESPACE}:{QUEUE}.msgs") == 0
