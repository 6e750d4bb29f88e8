"""Candidate reductions, each measured on copies of the bench's data in a scratch
redis-server (production code is not changed): a copy as stored against a copy changed
(fewer fields, one copy fewer, another encoding setting). Savings are per finished job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from redis.asyncio import Redis

from bench.memory.config import MemoryConfig
from bench.memory.walk import memory_usage
from bench.throughput.progress import say
from bench.throughput.services import PREFIX
from qgjob_store.keys import Keys

Record = dict[str, str]
Change = Callable[[Record], Record]
DEFAULTS = {
    "hash-max-listpack-value": "64",
    "hash-max-listpack-entries": "128",
    "stream-node-max-bytes": "4096",
    "stream-node-max-entries": "100",
}
"""Redis 7.0's defaults (the bench's server runs them), set again between experiments."""
CHUNK = 500


def _same(r: Record) -> Record:
    return dict(r)


def _no_log_tail(r: Record) -> Record:
    """The result without its ``log_tail`` (the job's log has the whole output)."""
    out = dict(r)
    if out.get("result"):
        result = orjson.loads(out["result"])
        result.pop("log_tail", None)
        out["result"] = orjson.dumps(result).decode()
    return out


def _no_empty(r: Record) -> Record:
    return {k: v for k, v in r.items() if v != ""}


def _no_redundant(r: Record) -> Record:
    """Without what another field or the key name says already: ``id`` (in the key),
    ``updated_at`` when it is ``finished_at``, ``finish_status`` when it is ``status``."""
    out = dict(r)
    out.pop("id", None)
    if out.get("updated_at") == out.get("finished_at"):
        out.pop("updated_at", None)
    if out.get("finish_status") == out.get("status"):
        out.pop("finish_status", None)
    return out


def _result_fields(r: Record) -> Record:
    """The result's members as fields of their own (``r_outcome``, ...), without
    ``log_tail``: each value short enough for a listpack at the default settings."""
    out = dict(r)
    if out.get("result"):
        result = orjson.loads(out.pop("result"))
        result.pop("log_tail", None)
        for k, v in result.items():
            out["r_" + k] = v if isinstance(v, str) else orjson.dumps(v).decode()
    return out


def _all_record(r: Record) -> Record:
    return _no_redundant(_no_empty(_no_log_tail(r)))


RECORD_CANDIDATES: list[tuple[str, Change, dict[str, str]]] = [
    (
        "job record: hash-max-listpack-value 1024 (listpack instead of hashtable)",
        _same,
        {"hash-max-listpack-value": "1024"},
    ),
    ("job record: result without log_tail (the job log has it)", _no_log_tail, {}),
    (
        "job record: result without log_tail, hash-max-listpack-value 256",
        _no_log_tail,
        {"hash-max-listpack-value": "256"},
    ),
    ("job record: empty fields not written", _no_empty, {}),
    (
        "job record: redundant fields not written (id, updated_at = finished_at, "
        "finish_status = status)",
        _no_redundant,
        {},
    ),
    (
        "job record: result's members as fields of their own, without log_tail",
        _result_fields,
        {},
    ),
    (
        "job record: result's members as fields, no empty or redundant fields",
        lambda r: _no_redundant(_no_empty(_result_fields(r))),
        {},
    ),
    (
        "job record: all three changes, hash-max-listpack-value 256",
        _all_record,
        {"hash-max-listpack-value": "256"},
    ),
]

STREAM_SETTINGS: list[dict[str, str]] = [
    {"stream-node-max-entries": "500", "stream-node-max-bytes": "16384"},
    {"stream-node-max-entries": "1000", "stream-node-max-bytes": "0"},
]

DROP_KINDS = ["events_suite", "events", "job_events", "job_log", "idx_all"]
"""Kinds whose whole cost is measured by restoring them alone: what one copy fewer saves."""


async def _configure(r: Redis, settings: dict[str, str]) -> None:
    for name, value in {**DEFAULTS, **settings}.items():
        await r.config_set(name, value)


async def _copy_records(src: Redis, dst: Redis, names: list[str], change: Change) -> int:
    """The records rebuilt field by field in ``dst`` (so its settings pick the encoding);
    returns the sum of their MEMORY USAGE there."""
    await dst.flushall()
    for i in range(0, len(names), CHUNK):
        async with src.pipeline(transaction=False) as pipe:
            for name in names[i : i + CHUNK]:
                pipe.hgetall(name)
            records = await pipe.execute()
        async with dst.pipeline(transaction=False) as pipe:
            for name, record in zip(names[i : i + CHUNK], records, strict=True):
                changed = change({str(k): str(v) for k, v in record.items()})
                if changed:
                    pipe.hset(name, mapping=changed)  # type: ignore[arg-type]
            await pipe.execute()
    return sum(await memory_usage(dst, names))


async def _copy_stream(src: Redis, dst: Redis, name: str) -> None:
    """The stream's entries added again in ``dst`` with their ids (its settings pick the
    node sizes)."""
    start = "-"
    while True:
        entries = await src.xrange(name, start, "+", count=CHUNK)
        if not entries:
            return
        async with dst.pipeline(transaction=False) as pipe:
            for eid, fields in entries:
                pipe.xadd(name, fields, id=eid)  # type: ignore[arg-type]
            await pipe.execute()
        if len(entries) < CHUNK:
            return
        start = "(" + str(entries[-1][0])


async def hold(url: str, names: dict[str, list[str]]) -> dict[str, int]:
    """Every key's TTL (ms), then the key made persistent: nothing expires while the
    experiments run and before each kind is deleted (the TTL table's growth is measured
    already); the copies get their TTLs back."""
    every = [n for members in names.values() for n in members]
    r = Redis.from_url(url, decode_responses=True)
    ttls: dict[str, int] = {}
    try:
        for i in range(0, len(every), CHUNK):
            chunk = every[i : i + CHUNK]
            async with r.pipeline(transaction=False) as pipe:
                for name in chunk:
                    pipe.pttl(name)
                replies = await pipe.execute()
            async with r.pipeline(transaction=False) as pipe:
                for name, ttl in zip(chunk, replies, strict=True):
                    if int(ttl) > 0:
                        ttls[name] = int(ttl)
                        pipe.persist(name)
                await pipe.execute()
    finally:
        await r.aclose()
    return ttls


async def _restore(src: Redis, dst: Redis, names: list[str], ttls: dict[str, int]) -> int:
    """The keys restored as they are (DUMP/RESTORE, with their TTLs) into an empty ``dst``;
    returns what that grew its ``used_memory`` by."""
    await dst.flushall()
    await _configure(dst, {})
    used0 = int((await dst.info("memory"))["used_memory"])
    for i in range(0, len(names), CHUNK):
        chunk = names[i : i + CHUNK]
        async with src.pipeline(transaction=False) as pipe:
            for name in chunk:
                pipe.dump(name)
            replies = await pipe.execute()
        async with dst.pipeline(transaction=False) as pipe:
            for name, payload in zip(chunk, replies, strict=True):
                if payload is not None:
                    pipe.restore(name, ttls.get(name, 0), payload)
            await pipe.execute()
    return int((await dst.info("memory"))["used_memory"]) - used0


async def run_all(
    src_url: str, dst_url: str, result: dict[str, Any], config: MemoryConfig
) -> dict[str, Any]:
    names: dict[str, list[str]] = result["names"]
    jobs: int = result["jobs"]
    src = Redis.from_url(src_url, decode_responses=True)
    raw = Redis.from_url(src_url)
    dst = Redis.from_url(dst_url, decode_responses=True)
    rawdst = Redis.from_url(dst_url)
    try:
        out: dict[str, Any] = {
            "records": await _records(src, dst, sorted(names.get("job", [])), config),
            "fields": await _fields(src, dst, sorted(names.get("job", [])), config),
            "streams": await _streams(src, dst, names),
            "drops": {},
            "job_events_in_record": await _events_in_record(
                src, dst, Keys(PREFIX), result["job_ids"], config
            ),
        }
        for kind in DROP_KINDS:
            if names.get(kind):
                say(f"  restoring {kind} alone")
                grown = await _restore(raw, rawdst, names[kind], result["ttls"])
                out["drops"][kind] = {
                    "keys": len(names[kind]),
                    "bytes": grown,
                    "saving_per_job": round(grown / jobs, 1),
                }
        return out
    finally:
        await dst.flushall()
        for c in (src, raw, dst, rawdst):
            await c.aclose()


async def _records(
    src: Redis, dst: Redis, names: list[str], config: MemoryConfig
) -> list[dict[str, Any]]:
    sample = names[: config.record_sample]
    if not sample:
        return []
    await _configure(dst, {})
    base = await _copy_records(src, dst, sample, _same)
    rows = [
        {
            "candidate": "job record as stored (default settings)",
            "bytes_per_job": round(base / len(sample), 1),
            "saving_per_job": 0.0,
            "records": len(sample),
        }
    ]
    for label, change, settings in RECORD_CANDIDATES:
        say(f"  {label}")
        await _configure(dst, settings)
        size = await _copy_records(src, dst, sample, change)
        rows.append(
            {
                "candidate": label,
                "settings": settings,
                "bytes_per_job": round(size / len(sample), 1),
                "saving_per_job": round((base - size) / len(sample), 1),
                "records": len(sample),
            }
        )
    await _configure(dst, {})
    return rows


async def _fields(
    src: Redis, dst: Redis, names: list[str], config: MemoryConfig
) -> dict[str, float]:
    """What each field of the job record costs: the records rebuilt without it (default
    settings), against the records rebuilt whole."""
    sample = names[: config.field_sample]
    if not sample:
        return {}
    await _configure(dst, {})
    base = await _copy_records(src, dst, sample, _same)
    first = await src.hgetall(sample[0])
    out = {}
    for field in sorted(map(str, first)):
        size = await _copy_records(src, dst, sample, _without(field))
        out[field] = round((base - size) / len(sample), 1)
    say(f"  job record: {len(out)} fields measured one by one")
    return out


def _without(field: str) -> Change:
    def change(r: Record) -> Record:
        return {k: v for k, v in r.items() if k != field}

    return change


async def _streams(src: Redis, dst: Redis, names: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The events streams (shared and per org) rebuilt with other node sizes."""
    streams = names.get("events", []) + names.get("events_org", [])
    if not streams:
        return []
    rows = []
    sizes = {}
    for settings in [{}, *STREAM_SETTINGS]:
        await dst.flushall()
        await _configure(dst, settings)
        for name in streams:
            await _copy_stream(src, dst, name)
        sizes[orjson.dumps(settings).decode()] = sum(await memory_usage(dst, streams))
    base = sizes["{}"]
    for key, size in sizes.items():
        rows.append({"settings": orjson.loads(key), "bytes": size, "saving": base - size})
    await _configure(dst, {})
    return rows


async def _events_in_record(
    src: Redis, dst: Redis, keys: Keys, job_ids: list[str], config: MemoryConfig
) -> dict[str, Any]:
    """A job's event ids as one field of its record instead of a list of their own: the
    records with that field against the records and the lists."""
    sample = sorted(job_ids)[: config.record_sample]
    if not sample:
        return {}
    records = [keys.job(j) for j in sample]
    lists = [keys.job_events(j) for j in sample]
    await _configure(dst, {})
    base = await _copy_records(src, dst, records, _same)
    list_bytes = sum(await memory_usage(src, lists))
    ids = {j: ",".join(map(str, await src.lrange(keys.job_events(j), 0, -1))) for j in sample}
    size = await _copy_records(
        src, dst, records, lambda r: {**r, "events": ids.get(r.get("id", ""), "")}
    )
    n = len(sample)
    return {
        "records": n,
        "lists_per_job": round(list_bytes / n, 1),
        "field_per_job": round((size - base) / n, 1),
        "saving_per_job": round((list_bytes - (size - base)) / n, 1),
    }
