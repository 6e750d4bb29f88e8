"""The growth of ``used_memory`` between two snapshots, by kind of key, and what is left
outside the keys: the keyspace's hash tables (their bucket arrays and the expires table),
the clients' buffers and the script cache, each from ``MEMORY STATS``."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any

from redis.asyncio import Redis

from bench.memory.walk import Snapshot, clients_memory, tables

DICT_ENTRY = 24
ROBJ = 16
"""Redis 7.0 counts ``sizeof(dictEntry) + sizeof(robj)`` per key in
``overhead.hashtable.main`` (object.c, getMemoryOverheadData), which ``MEMORY USAGE`` of the
key counts too: what is left of it is the table's bucket array, one pointer per slot."""


def by_kind(before: Snapshot, after: Snapshot, jobs: int) -> dict[str, Any]:
    growth = after.used_memory - before.used_memory
    rows: list[dict[str, Any]] = []
    for kind in sorted(set(before.kinds) | set(after.kinds)):
        a, b = after.kinds.get(kind), before.kinds.get(kind)
        added = (a.bytes if a else 0.0) - (b.bytes if b else 0.0)
        rows.append(
            {
                "kind": kind,
                "keys": a.keys if a else 0,
                "new_keys": (a.keys if a else 0) - (b.keys if b else 0),
                "measured": a.measured if a else 0,
                "bytes": round(added),
                "bytes_before": round(b.bytes) if b else 0,
                "per_job": round(added / jobs, 1),
            }
        )
    rows.sort(key=lambda r: -r["bytes"])
    keys_sum = sum(r["bytes"] for r in rows)
    overheads = _overheads(before, after)
    explained = keys_sum + sum(o["bytes"] for o in overheads)
    for r in rows + overheads:
        r["share"] = round(r["bytes"] / growth, 4) if growth else 0.0
    return {
        "used_memory_before": before.used_memory,
        "used_memory_after": after.used_memory,
        "growth": growth,
        "growth_per_job": round(growth / jobs, 1),
        "keys_before": before.keys,
        "keys_after": after.keys,
        "kinds": rows,
        "keys_sum": keys_sum,
        "keys_sum_per_job": round(keys_sum / jobs, 1),
        "overheads": overheads,
        "explained": explained,
        "residual": growth - explained,
        "residual_per_job": round((growth - explained) / jobs, 1),
        "per_key": _per_key(after),
        "unclassified": after.kinds["unclassified"].keys if "unclassified" in after.kinds else 0,
        "stats_before": before.stats,
        "stats_after": after.stats,
    }


def _buckets(s: Snapshot) -> int:
    return s.overhead("overhead.hashtable.main") - s.keys * (DICT_ENTRY + ROBJ)


def _overheads(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """The growth outside the keys' own MEMORY USAGE, each from MEMORY STATS."""
    parts = {
        "keyspace buckets": _buckets(after) - _buckets(before),
        "expires table": after.overhead("overhead.hashtable.expires")
        - before.overhead("overhead.hashtable.expires"),
        "clients": after.clients - before.clients,
        "script cache": after.overhead("lua.caches") - before.overhead("lua.caches"),
    }
    return [{"kind": k, "bytes": v} for k, v in parts.items()]


def _per_key(s: Snapshot) -> dict[str, float]:
    """What one key costs the keyspace beyond its MEMORY USAGE, at the end of the run."""
    keys = max(s.keys, 1)
    volatile = s.overhead("overhead.hashtable.expires")
    return {
        "keys": s.keys,
        "bytes_per_key_stats": float(s.overhead("keys.bytes-per-key")),
        "main_table_per_key": round(s.overhead("overhead.hashtable.main") / keys, 1),
        "buckets_per_key": round(_buckets(s) / keys, 1),
        "expires_table_bytes": volatile,
    }


async def _state(r: Redis) -> tuple[int | None, int, int]:
    stats = await r.memory_stats()
    clients = await clients_memory(r)
    used = int((await r.info("memory"))["used_memory"])
    return tables(stats), clients, used


async def fields(r: Redis, after: Snapshot, sample: int) -> dict[str, Any]:
    """The job records field by field: how often each is there, its name's and value's
    mean length (a sample of ``sample`` records)."""
    names = sorted(after.names.get("job", []))[:sample]
    seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    encodings: dict[str, int] = defaultdict(int)
    for name in names:
        record = await r.hgetall(name)
        encodings[str(await r.object("encoding", name))] += 1
        for f, v in record.items():
            seen[str(f)].append((len(str(f).encode()), len(str(v).encode())))
    out = {
        f: {
            "present": round(len(v) / max(len(names), 1), 3),
            "name_bytes": round(mean(x for x, _ in v), 1),
            "value_bytes": round(mean(y for _, y in v), 1),
            "empty": round(sum(1 for _, y in v if y == 0) / len(v), 3),
        }
        for f, v in seen.items()
    }
    return {"kind": "job", "records": len(names), "encodings": dict(encodings), "fields": out}


async def freed_by_kind(
    r: Redis, names: dict[str, list[str]], acc: dict[str, Any], jobs: int
) -> None:
    """Delete every kind's keys, one kind at a time (the services stopped, after the
    experiments), and add to ``acc`` what each deletion freed by the allocator's count:
    the fall of ``used_memory`` less the fall of the keyspace tables and of the client
    buffers, plus the dict entry and object header of each key deleted (counted in the
    table's figure, MEMORY USAGE counts them as the key's). A kind that
    was there before the run is charged what it freed less what MEMORY USAGE gave it
    before."""
    rows = {row["kind"]: row for row in acc["kinds"]}
    for kind in sorted(names, key=lambda k: -rows.get(k, {}).get("bytes", 0)):
        members = names[kind]
        tables0, clients0, used0 = await _state(r)
        deleted = 0
        for i in range(0, len(members), 500):
            deleted += int(await r.delete(*members[i : i + 500]))
        tables1, clients1, used1 = await _state(r)
        freed = 0
        if tables0 is not None and tables1 is not None:
            freed = (used0 - used1) - (tables0 - tables1) - (clients0 - clients1)
            # the dict entry and object header of each key are in the table's figure
            freed += deleted * (DICT_ENTRY + ROBJ)
        row = rows[kind]
        if tables1 is None:
            # the keyspace is empty: MEMORY STATS no longer lists its tables (their bucket
            # arrays stay allocated and would count as dataset); the last kind keeps its
            # MEMORY USAGE
            freed = row["bytes_before"] + row["bytes"]
            row["freed_by"] = "MEMORY USAGE (the last kind deleted)"
        row["freed"] = freed
        row["freed_growth"] = freed - row["bytes_before"]
        row["freed_per_job"] = round(row["freed_growth"] / jobs, 1)
    # the slow log keeps the arguments of up to slowlog-max-len slow commands (big script
    # calls on a busy machine): memory outside the keys, capped, emptied at the start
    entries = int(await r.slowlog_len())
    used0 = int((await r.info("memory"))["used_memory"])
    await r.slowlog_reset()
    used1 = int((await r.info("memory"))["used_memory"])
    acc["overheads"].append({"kind": "slow log", "bytes": used0 - used1, "entries": entries})
    acc["stats_end"] = dict(await r.memory_stats())
    acc["keys_end"] = int(await r.dbsize())
    growth = acc["growth"]
    for o in acc["overheads"]:
        o["share"] = round(o["bytes"] / growth, 4) if growth else 0.0
    total = sum(row.get("freed_growth", 0) for row in acc["kinds"])
    acc["freed_sum"] = total
    acc["freed_sum_per_job"] = round(total / jobs, 1)
    rest = growth - total - sum(o["bytes"] for o in acc["overheads"])
    acc["freed_residual"] = rest
    acc["freed_residual_per_job"] = round(rest / jobs, 1)
    for row in acc["kinds"]:
        row["freed_share"] = round(row.get("freed_growth", 0) / growth, 4) if growth else 0.0
