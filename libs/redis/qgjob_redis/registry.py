"""The worker registry as the API shows it: every worker that reported in, with its state."""

from __future__ import annotations

import orjson

from qgjob_redis.codec import ts
from qgjob_redis.store import Store
from qgjob_schemas import Target, Worker, WorkerState


def worker_state(*, alive: bool, reported: str, holds: int) -> WorkerState:
    """``lost`` without a fresh heartbeat; ``draining`` when shutting down; ``busy`` while it
    holds a group; else ``idle``."""
    if not alive:
        return WorkerState.LOST
    if reported == WorkerState.DRAINING.value:
        return WorkerState.DRAINING
    return WorkerState.BUSY if holds else WorkerState.IDLE


class WorkerRegistry:
    def __init__(self, store: Store) -> None:
        self._s = store

    async def list(self, *, target: Target | None = None) -> list[Worker]:
        """Workers sorted by target and id (optionally of one target)."""
        keys = self._s.keys
        members = keys.target_workers(target.value) if target else keys.workers()
        found: set[str] = await self._s.redis.smembers(members)  # type: ignore[assignment]
        ids = sorted(found)
        if not ids:
            return []
        async with self._s.redis.pipeline(transaction=False) as pipe:
            for wid in ids:
                pipe.hgetall(keys.worker(wid))
                pipe.exists(keys.heartbeat(wid))
                pipe.smembers(keys.worker_groups(wid))
            replies = await pipe.execute()
        out = []
        for i, wid in enumerate(ids):
            h, alive, groups = replies[3 * i : 3 * i + 3]
            if h:
                out.append(_worker(wid, h, alive=bool(alive), groups=sorted(groups)))
        return sorted(out, key=lambda w: (w.target.value, w.id))

    async def get(self, worker_id: str) -> Worker | None:
        keys = self._s.keys
        async with self._s.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.worker(worker_id))
            pipe.exists(keys.heartbeat(worker_id))
            pipe.smembers(keys.worker_groups(worker_id))
            h, alive, groups = await pipe.execute()
        return _worker(worker_id, h, alive=bool(alive), groups=sorted(groups)) if h else None


def _worker(wid: str, h: dict[str, str], *, alive: bool, groups: list[str]) -> Worker:
    return Worker(
        id=wid,
        target=Target(h.get("target") or Target.EMULATOR.value),
        state=worker_state(alive=alive, reported=h.get("state", ""), holds=len(groups)),
        group_id=groups[0] if groups else None,
        group_ids=groups,
        installed_versions=orjson.loads(h.get("versions") or "[]"),
        last_heartbeat=ts(h.get("heartbeat")),
        capacity=int(h.get("capacity") or 1),
    )
