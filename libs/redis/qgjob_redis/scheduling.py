"""The scheduler's state changes: join groups, read a snapshot, dispatch, promote retries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qgjob_redis.consumer import Entry
from qgjob_redis.store import Store
from qgjob_schemas import OpenGroup, Priority, Snapshot, TargetLoad


class SchedulerStore:
    def __init__(self, store: Store) -> None:
        self._s = store

    async def join(self, entries: Sequence[Entry], max_group_size: int) -> list[str]:
        """Group the submissions and ack them; returns the ids of the groups they joined.
        Entries without a job id are dead-lettered as poison by the script."""
        if not entries:
            return []
        args: list[str | int] = [max_group_size]
        for entry_id, fields in entries:
            args += [entry_id, fields.get("job", "")]
        touched: list[str] = await self._s.scripts.run("join", *args)
        return touched

    async def snapshot(self, targets: Iterable[str], heartbeat_ttl_s: float) -> Snapshot:
        now, loads, groups = await self._s.scripts.run("snapshot", heartbeat_ttl_s, *targets)
        return Snapshot(
            now=float(now),
            targets={
                t: TargetLoad(target=t, idle_workers=int(i), waiting_groups=int(w))
                for t, i, w in loads
            },
            groups=[
                OpenGroup(
                    id=gid,
                    target=target,
                    size=int(size),
                    created_at=float(created),
                    priority=Priority(prio),
                    org_id=org,
                    app_version_id=app,
                )
                for gid, target, size, created, prio, org, app in groups
            ],
        )

    async def dispatch(self, group_ids: Sequence[str]) -> list[str]:
        if not group_ids:
            return []
        done: list[str] = await self._s.scripts.run("dispatch", *group_ids)
        return done

    async def promote_due(self, limit: int = 500) -> int:
        """Move retries whose backoff passed back into the jobs stream."""
        return int(await self._s.scripts.run("promote", limit))
