"""The worker registry as the API shows it: every worker that reported in, with its state."""

from __future__ import annotations

import orjson

from qgjob_schemas import Target, Worker, WorkerState, health_detail
from qgjob_store.codec import ts
from qgjob_store.store import Store


def worker_state(*, alive: bool, reported: str, holds: int) -> WorkerState:
    """``lost`` without a fresh heartbeat; ``draining`` when shutting down; ``busy`` while it
    holds a group; else ``idle``."""
    if not alive:
        return WorkerState.LOST
    if reported == WorkerState.DRAINING.value:
        return WorkerState.DRAINING
    if reported == WorkerState.UNHEALTHY.value:
        return WorkerState.UNHEALTHY
    return WorkerState.BUSY if holds else WorkerState.IDLE


class WorkerRegistry:
    def __init__(self, store: Store) -> None:
        self._s = store

    async def workers(
        self, *, target: Target | None = None, org_id: str | None = None
    ) -> list[Worker]:
        """Workers sorted by target and id (optionally of one target). Seen by an org
        (``org_id``), a worker shows only that org's groups and no installed versions: the
        device farm is shared, what runs on it for other orgs is theirs."""
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
        out = sorted(out, key=lambda w: (w.target.value, w.id))
        return await self._seen_by(org_id, out) if org_id else out

    async def get(self, worker_id: str, *, org_id: str | None = None) -> Worker | None:
        keys = self._s.keys
        async with self._s.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.worker(worker_id))
            pipe.exists(keys.heartbeat(worker_id))
            pipe.smembers(keys.worker_groups(worker_id))
            h, alive, groups = await pipe.execute()
        if not h:
            return None
        worker = _worker(worker_id, h, alive=bool(alive), groups=sorted(groups))
        return (await self._seen_by(org_id, [worker]))[0] if org_id else worker

    async def _seen_by(self, org_id: str, workers: list[Worker]) -> list[Worker]:
        gids = sorted({g for w in workers for g in w.group_ids})
        async with self._s.redis.pipeline(transaction=False) as pipe:
            for gid in gids:
                pipe.hget(self._s.keys.group(gid), "org_id")
            owners = await pipe.execute()
        mine = {g for g, owner in zip(gids, owners, strict=True) if owner == org_id}
        out = []
        for w in workers:
            groups = [g for g in w.group_ids if g in mine]
            update = {
                "group_ids": groups,
                "group_id": groups[0] if groups else None,
                "installed_versions": [],
            }
            out.append(w.model_copy(update=update))
        return out


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
        # a lost worker's last reason stays: it may be why it went away
        health_detail=health_detail(h.get("health_detail") or "") or None,
    )
