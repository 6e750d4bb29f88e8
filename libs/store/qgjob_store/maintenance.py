"""Keeping the store bounded without losing anything.

Streams are trimmed with ``MINID`` at the oldest entry a consumer group still needs (the
oldest pending one, or the first not yet delivered), never by plain length: ``MAXLEN`` would
delete unacked jobs. Job indexes drop ids older than the retention whose records are gone
(ids sort by time; the records expire by TTL once they finish: a job still live, however
old, stays listed). Workers gone longer than a retention and holding nothing leave the
registry, and their consumer its target's assignment stream's group; scheduler consumers
idle that long and holding nothing leave the jobs stream's group (each start of a scheduler
is a new consumer name). An assignment stream's oldest pending entry is its oldest group not
done (waiting or held), so trimming it at ``MINID`` keeps every live group's entry; entries
that belong to no live group are settled first by the ``prune`` script (dead-lettered or put
where their group says), so none holds the trimming back for ever.
"""

from __future__ import annotations

import time

from redis.exceptions import ResponseError

from qgjob_schemas import Target
from qgjob_store.ids import id_floor
from qgjob_store.keys import SCHEDULER_GROUP, WORKER_GROUP
from qgjob_store.store import Store


def _after(entry_id: str) -> str:
    ms, _, seq = entry_id.partition("-")
    return f"{ms}-{int(seq or 0) + 1}"


async def trim_consumed(store: Store, stream: str, group: str) -> int:
    """Delete entries of ``stream`` that ``group`` has delivered and acked; returns how many."""
    try:
        groups = await store.redis.xinfo_groups(stream)
    except ResponseError:  # no such stream yet
        return 0
    info = next((g for g in groups if g["name"] == group), None)
    if info is None or info["last-delivered-id"] in ("0-0", None):
        return 0
    pending = await store.redis.xpending(stream, group)
    keep_from = pending["min"] if pending["pending"] else _after(info["last-delivered-id"])
    removed: int = await store.redis.xtrim(stream, minid=keep_from, approximate=False)
    return removed


INDEX_PAGE = 1000


async def trim_indexes(store: Store, retention_s: float, *, now: float | None = None) -> int:
    """Drop index entries of jobs created longer ago than the retention whose records are
    gone (expired after they finished); a live job stays listed."""
    floor = "(" + id_floor((now or time.time()) - retention_s)
    removed = await _drop_gone(store, store.keys.idx_all(), floor)
    pattern = store.keys.idx_org("*")
    async for key in store.scan_iter(match=pattern, count=500):
        removed += await _drop_gone(store, key, floor)
    return removed


async def _drop_gone(store: Store, index: str, floor: str) -> int:
    removed, lower = 0, "-"
    while True:
        ids: list[str] = await store.redis.zrangebylex(index, lower, floor, 0, INDEX_PAGE)  # type: ignore[assignment]
        if not ids:
            return removed
        async with store.redis.pipeline(transaction=False) as pipe:
            for jid in ids:
                pipe.exists(store.keys.job(jid))
            exists: list[int] = await pipe.execute()
        gone = [jid for jid, there in zip(ids, exists, strict=True) if not there]
        if gone:
            removed += int(await store.redis.zrem(index, *gone))
        if len(ids) < INDEX_PAGE:
            return removed
        lower = "(" + ids[-1]


async def forget_workers(store: Store, gone_s: float) -> int:
    """Drop workers gone longer than ``gone_s`` that hold nothing, a chunk of the registry
    per script call; returns how many."""
    dropped, cursor = 0, "0"
    while True:
        n, cursor = await store.scripts.run("forget", gone_s, cursor)
        dropped += int(n)
        if str(cursor) == "0":
            return dropped


async def prune(store: Store, idle_s: float) -> tuple[int, int]:
    """Remove consumers idle longer than ``idle_s`` that hold nothing, and settle assignment
    entries pending that long that no group puts there: the jobs stream's, then each
    target's, a page of pending entries per script call (a farm of thousands of workers
    made one call of all of it take 20 ms); returns (consumers removed, entries settled)."""
    idle_ms = int(idle_s * 1000)
    removed, settled, _ = await store.scripts.run("prune", idle_ms, "", "-")
    removed, settled = int(removed), int(settled)
    for target in Target:
        after = "-"
        while after:
            n, s, after = await store.scripts.run("prune", idle_ms, target.value, after)
            removed, settled = removed + int(n), settled + int(s)
    return removed, settled


async def housekeeping(
    store: Store,
    retention_s: float,
    *,
    forget_workers_s: float = 86400.0,
    forget_consumers_s: float = 3600.0,
) -> dict[str, int]:
    """One pass over every stream and index; returns what was removed where."""
    out = {"jobs": await trim_consumed(store, store.keys.jobs_stream(), SCHEDULER_GROUP)}
    out["consumers"], out["stray_assignments"] = await prune(store, forget_consumers_s)
    out["workers"] = await forget_workers(store, forget_workers_s)
    assignments = 0
    for target in Target:
        assignments += await trim_consumed(store, store.keys.assign(target.value), WORKER_GROUP)
    out["assignments"] = assignments
    out["indexes"] = await trim_indexes(store, retention_s)
    return out
