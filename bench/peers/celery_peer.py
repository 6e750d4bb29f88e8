"""Celery with its Redis broker (kombu's Redis transport): a no-op task, results ignored.

Worker: the prefork pool with 2 child processes (one per core), early acks (Celery's
default: a message is acked when a child takes it), prefetch multiplier 4 (the default),
JSON serializer, no result backend, gossip, mingle and heartbeats off.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import redis
from celery import Celery
from celery.signals import task_postrun

from bench.peers.completions import COMPLETIONS, redis_url

QUEUE = "bench"

app = Celery("qgjob_bench", broker=redis_url())
app.conf.update(
    task_default_queue=QUEUE,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    task_acks_late=False,
    worker_prefetch_multiplier=4,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="noop", ignore_result=True)
def noop() -> None:
    return None


@task_postrun.connect
def _finished(**_: Any) -> None:
    COMPLETIONS.hit()


def worker_argv() -> list[str]:
    return [
        str(Path(sys.executable).with_name("celery")),
        "--app",
        "bench.peers.celery_peer",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "2",
        "--queues",
        QUEUE,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "WARNING",
    ]


def produce(n: int) -> tuple[float, float]:
    """``noop.delay()`` ``n`` times, one after another."""
    started = time.time()
    for _ in range(n):
        noop.delay()
    return started, time.time()


def drained(r: redis.Redis) -> bool:
    """Nothing left in the queue and nothing taken but unacked."""
    return r.llen(QUEUE) == 0 and r.hlen("unacked") == 0
