"""One handle on the store: the client, the key names and the registered scripts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, ResponseError

from qgjob_store.cluster import StoreCluster
from qgjob_store.connection import connect, is_memory
from qgjob_store.keys import Keys
from qgjob_store.scripts import Retention, Scripts

_PROBE = "return redis.call('EXISTS', KEYS[1])"


class ReplicationTimeoutError(RedisConnectionError):
    """A write reached the master but not as many replicas as asked in time: a failover now
    could lose it, so it is not acknowledged (503; retrying with the same
    ``Idempotency-Key`` or job id is safe)."""


@dataclass
class Store:
    redis: Redis
    keys: Keys
    scripts: Scripts
    embedded: bool = False
    """On the in-process store (``memory://``) rather than a Redis server."""
    wait_replicas: int = 0
    """Replicas that must hold an acknowledged submission before it is answered (``WAIT``);
    0: answer once the master has it. Not used on the embedded store (it has no replicas)."""
    wait_timeout_ms: int = 1000

    @classmethod
    def open(
        cls,
        url: str,
        *,
        prefix: str = "qgjob",
        retention: Retention | None = None,
        block_ms: int = 0,
        wait_replicas: int = 0,
        wait_timeout_ms: int = 1000,
    ) -> Store:
        redis = connect(url, block_ms=block_ms)
        keys = Keys(prefix)
        scripts = Scripts(redis, keys, retention)
        return cls(
            redis=redis,
            keys=keys,
            scripts=scripts,
            embedded=is_memory(url),
            wait_replicas=wait_replicas,
            wait_timeout_ms=wait_timeout_ms,
        )

    @property
    def cluster(self) -> StoreCluster | None:
        """The cluster client, on a Redis Cluster (``redis+cluster://``); else ``None``."""
        client: object = self.redis  # typed as the plain client (see connection.py)
        return client if isinstance(client, StoreCluster) else None

    async def run_acknowledged(self, name: str, *args: Any) -> Any:
        """Run write script ``name`` whose outcome a client is about to be told. With
        :attr:`wait_replicas`, follow it with ``WAIT`` on the same connection (``WAIT`` counts
        the writes of its own connection; on a cluster, a connection of the master that owns
        the slot) and raise :class:`ReplicationTimeoutError` when fewer replicas than asked
        confirm the write in time."""
        if self.wait_replicas <= 0 or self.embedded:
            return await self.scripts.run(name, *args)
        if self.cluster is not None:
            return await self.cluster.on_slot_owner(
                self.keys.jobs_stream(), lambda node: self._run_and_wait(node, name, *args)
            )
        return await self._run_and_wait(self.redis, name, *args)

    async def _run_and_wait(self, client: Redis, name: str, *args: Any) -> Any:
        async with client.pipeline(transaction=False) as pipe:
            await self.scripts.run(name, *args, client=pipe)
            pipe.wait(self.wait_replicas, self.wait_timeout_ms)
            reply, acked = await pipe.execute()
        if int(acked) < self.wait_replicas:
            raise ReplicationTimeoutError(
                f"{acked} of {self.wait_replicas} replicas confirmed the write "
                f"within {self.wait_timeout_ms} ms"
            )
        return reply

    async def can_run_scripts(self) -> str | None:
        """``None`` when this client can run the write scripts: it is connected to a
        master (not a read-only replica) that runs scripts over its keys; otherwise why not.
        On a cluster, the master that owns the slot is asked."""
        if self.cluster is not None:
            try:
                return await self.cluster.on_slot_owner(self.keys.jobs_stream(), self._can_run)
            except RedisClusterException as exc:  # e.g. a node that is not in cluster mode
                return f"the cluster client cannot use these nodes: {exc}"
        return await self._can_run(self.redis)

    async def _can_run(self, client: Redis) -> str | None:
        if not self.embedded:
            try:
                role = await client.execute_command("ROLE")  # type: ignore[no-untyped-call]
            except ResponseError:
                role = ["unknown"]  # renamed or denied (some managed Redis): the probe decides
            if role[0] not in ("master", "unknown"):
                return f"connected to a {role[0]}, which refuses writes"
        # the scripts pass a key of the deployment's slot: a probe passed the same key must
        # run (a node that does not own the slot answers MOVED, as to every script)
        await client.eval(_PROBE, 1, self.keys.jobs_stream())
        return None

    async def scan_iter(self, match: str, count: int) -> AsyncIterator[str]:
        """Keys matching ``match`` (a pattern under the deployment's hash tag); on a cluster,
        from the master that owns the slot only (the other masters have none)."""
        if self.cluster is None:
            async for key in self.redis.scan_iter(match=match, count=count):
                yield key
            return
        with self.cluster.outage():
            await self.cluster.initialize()
        owner = self.cluster.owner(self.keys.jobs_stream())
        async for key in self.cluster.scan_iter(match=match, count=count, target_nodes=owner):
            yield key

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()
