"""The keyspace by kind: every key found with SCAN, its kind (its template), and its
``MEMORY USAGE ... SAMPLES 0``; and the server's own figures (``INFO``, ``MEMORY STATS``)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bench.memory.classify import Classifier

BATCH = 500


@dataclass
class KindFigures:
    keys: int = 0
    measured: int = 0
    bytes_measured: int = 0

    @property
    def bytes(self) -> float:
        """Total bytes of the kind: every key's if every key was measured, else the
        measured keys' mean times the number of keys."""
        if not self.measured:
            return 0.0
        return self.bytes_measured * self.keys / self.measured


@dataclass
class Snapshot:
    used_memory: int
    stats: dict[str, Any]
    clients: int
    """Every client's ``tot-mem`` (CLIENT LIST, computed on the spot; MEMORY STATS
    ``clients.normal`` is a figure the server's cron refreshes)."""
    kinds: dict[str, KindFigures] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    """The key names of each kind (for the experiments)."""

    @property
    def keys(self) -> int:
        return sum(k.keys for k in self.kinds.values())

    def overhead(self, name: str) -> int:
        """A ``MEMORY STATS`` figure, including those of db 0 (``db.0`` is nested)."""
        if name in self.stats:
            return int(self.stats[name])
        return int(self.stats.get("db.0", {}).get(name, 0))


async def scan_keys(r: Redis, pattern: str) -> list[str]:
    return [str(k) async for k in r.scan_iter(match=pattern, count=1000)]


async def memory_usage(r: Redis, names: list[str]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(names), BATCH):
        async with r.pipeline(transaction=False) as pipe:
            for name in names[i : i + BATCH]:
                pipe.memory_usage(name, samples=0)
            out += [int(x or 0) for x in await pipe.execute()]
    return out


async def snapshot(
    r: Redis, classifier: Classifier, pattern: str, *, sample: int, seed: int = 1
) -> Snapshot:
    """Every key matching ``pattern`` by kind; in a kind of more than ``sample`` keys only
    ``sample`` of them (chosen at random) are measured. ``used_memory`` and ``MEMORY STATS``
    are read after the walk, so the walk's own client buffers are in both."""
    names = await scan_keys(r, pattern)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_kind[classifier.kind(name)].append(name)
    rng = random.Random(seed)
    kinds: dict[str, KindFigures] = {}
    for kind, members in sorted(by_kind.items()):
        chosen = members if len(members) <= sample else rng.sample(members, sample)
        sizes = await memory_usage(r, chosen)
        kinds[kind] = KindFigures(
            keys=len(members), measured=len(chosen), bytes_measured=sum(sizes)
        )
    stats = await r.memory_stats()
    clients = await clients_memory(r)
    used = int((await r.info("memory"))["used_memory"])
    return Snapshot(
        used_memory=used, stats=dict(stats), clients=clients, kinds=kinds, names=dict(by_kind)
    )


async def clients_memory(r: Redis) -> int:
    return sum(int(c.get("tot-mem", 0)) for c in await r.client_list())


def tables(stats: dict[str, Any]) -> int | None:
    """The keyspace's two tables (keys, TTLs), or ``None`` once the keyspace is empty (then
    MEMORY STATS leaves them out, though they stay allocated)."""
    db = stats.get("db.0")
    if db is None:
        return None
    return int(db["overhead.hashtable.main"]) + int(db["overhead.hashtable.expires"])
