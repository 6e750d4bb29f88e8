"""The store's client of a Redis Cluster (``redis+cluster://``, see
:mod:`qgjob_store.cluster_url`).

Every key of a deployment carries the hash tag ``{prefix}``, so all of them live in one
slot, on one master: commands, scripts (routed by the key they pass), pipelines and
transactions all go to that master, and the cluster client follows it through a failover
(``MOVED`` after a replica is promoted) or a move of the slot to another master.

What this adds to redis-py's ``RedisCluster``:

- what says the slot cannot be served *right now* (the cluster down while a failover is
  under way, the slot not served, redirections exhausted while a slot moves, a script that
  met a key already moved away) is raised as :class:`ClusterUnavailableError`, a
  ``ConnectionError``: every service handles it as a store outage (503 with
  ``Retry-After``, back off and retry), never as a bad request or a poison entry;
- a full pool makes callers wait, as the ``redis://`` client's blocking pool does, instead
  of failing them with ``MaxConnectionsError``;
- :meth:`StoreCluster.on_slot_owner`: a plain client of the master that owns the slot, for
  what must share one connection (a script, then ``WAIT`` for its write).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, ClusterPipeline, RedisCluster
from redis.asyncio.connection import Connection, SSLConnection
from redis.exceptions import (
    AskError,
    ClusterError,
    RedisClusterException,
    ResponseError,
    SlotNotCoveredError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

T = TypeVar("T")
POOL_HEADROOM = 8
SLOT_MOVING_PAUSES_S = (0.05, 0.2, 0.0)
"""Waits before each new attempt of :meth:`StoreCluster.on_slot_owner` (the last: none)."""
"""Connections per node beyond the callers let through at once (topology refreshes)."""
_TRANSIENT_REPLIES = re.compile(
    r"Script attempted to access a non local key"  # the slot moved, or is moving
    r"|while the cluster is down"
    # at the start of the reply (or of the one a pipeline's error quotes): a blocked read
    # on a master that became a replica, or whose stream moved; a node busy running a long
    # script (moving the slot); not BUSYGROUP, which says a consumer group exists
    r"|(?:^|\(['\"])(?:UNBLOCKED|BUSY) "
)
_TRANSIENT_CLIENT = ("cannot be connected", "could not agree", "not covered")
_holding: ContextVar[bool] = ContextVar("qgjob_cluster_holding", default=False)


class ClusterUnavailableError(RedisConnectionError):
    """The cluster cannot serve the deployment's slot right now (a failover under way, the
    slot being moved or not served): an outage to wait out, like an unreachable server."""


def unavailable(exc: BaseException) -> ClusterUnavailableError | None:
    """``exc`` as a :class:`ClusterUnavailableError` when it says the slot cannot be served
    for now; ``None`` when it is something else (already a connection error, or a real
    error of the command)."""
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return None
    # ClusterError covers CLUSTERDOWN, MASTERDOWN and "TTL exhausted" (redirections);
    # AskError covers MOVED too
    transient = isinstance(exc, ClusterError | AskError | TryAgainError | SlotNotCoveredError)
    if isinstance(exc, ResponseError):
        transient = transient or _TRANSIENT_REPLIES.search(str(exc)) is not None
    elif isinstance(exc, RedisClusterException):
        transient = transient or any(m in str(exc) for m in _TRANSIENT_CLIENT)
    if not transient:
        return None
    return ClusterUnavailableError(f"the cluster cannot serve the store's slot now: {exc}")


@contextlib.contextmanager
def as_outage() -> Iterator[None]:
    """Raise what :func:`unavailable` recognises as a :class:`ClusterUnavailableError`."""
    try:
        yield
    except Exception as exc:
        translated = unavailable(exc)
        if translated is None:
            raise
        raise translated from exc


class StoreCluster(RedisCluster):
    def __init__(
        self, *, node_options: dict[str, Any], max_connections: int, **kwargs: Any
    ) -> None:
        super().__init__(max_connections=max_connections + POOL_HEADROOM, **kwargs)
        self._limit = asyncio.Semaphore(max_connections)
        self._node_options = node_options
        self._node_max = max_connections
        self._node_clients: dict[str, Redis] = {}

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        """Hold one of the ``max_connections`` places; a call made while holding one (a
        pipeline's redirected command, the script reload of a call) does not take another."""
        if _holding.get():
            yield
            return
        async with self._limit:
            token = _holding.set(True)
            try:
                yield
            finally:
                _holding.reset(token)

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        """As :func:`as_outage`, and the slot map is read again at the next call: redis-py
        retries a slot its map lacks without reading the map again, so it would never see
        the slot served again."""
        try:
            with as_outage():
                yield
        except ClusterUnavailableError:
            self._initialize = True
            raise

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        async with self._slot():
            with self.outage():
                return await super().execute_command(*args, **kwargs)

    def pipeline(self, transaction: Any | None = None, shard_hint: Any | None = None) -> Any:
        if shard_hint:
            raise RedisClusterException("shard_hint is deprecated in cluster mode")
        return StorePipeline(self, transaction)  # type: ignore[abstract]

    def owner(self, key: str) -> ClusterNode:
        """The master that owns ``key``'s slot, as this client last learnt it."""
        with self.outage():
            node = self.get_node_from_key(key)
            if node is None:
                raise ClusterUnavailableError(f"no node serves the slot of {key!r}")
        return node

    async def on_slot_owner(self, key: str, fn: Callable[[Redis], Awaitable[T]]) -> T:
        """``fn`` on a plain client of the master that owns ``key``'s slot. When that node
        answers that the slot is elsewhere (it moved, or a replica was promoted), the slot
        map is read again and ``fn`` runs on the new owner, up to twice more, a moment
        later each time (while a slot changes hands the two nodes redirect to each other
        until the new one has taken it)."""
        for attempt, pause_s in enumerate(SLOT_MOVING_PAUSES_S):
            with self.outage():
                await self.initialize()
            client = self._node_client(self.owner(key))
            try:
                return await fn(client)
            except (AskError, TryAgainError, ClusterError) as exc:  # the slot is elsewhere
                if attempt == len(SLOT_MOVING_PAUSES_S) - 1:
                    raise ClusterUnavailableError(f"the store's slot is moving: {exc}") from exc
                await asyncio.sleep(pause_s)
                with self.outage():
                    await self.nodes_manager.initialize()
            except (RedisConnectionError, RedisTimeoutError, OSError):
                self._initialize = True  # a failover, perhaps: read the slot map next time
                raise
            except Exception:  # a script that met a key moved away, say
                with self.outage():
                    raise
        raise AssertionError("unreachable")

    def _node_client(self, node: ClusterNode) -> Redis:
        client = self._node_clients.get(node.name)
        if client is None:
            options = dict(self._node_options)
            connection_class = SSLConnection if options.pop("ssl", False) else Connection
            pool = BlockingConnectionPool(
                connection_class=connection_class,
                host=node.host,
                port=node.port,
                max_connections=self._node_max,
                timeout=10,
                **options,
            )
            client = self._node_clients[node.name] = Redis(connection_pool=pool)
        return client

    async def aclose(self) -> None:
        clients, self._node_clients = list(self._node_clients.values()), {}
        for client in clients:
            await client.aclose()
        await super().aclose()


class StorePipeline(ClusterPipeline):
    """A cluster pipeline (or transaction: every key shares the slot) whose errors read as
    :class:`StoreCluster`'s do."""

    async def initialize(self) -> ClusterPipeline:
        with self._client.outage():
            return await super().initialize()

    async def execute(
        self, raise_on_error: bool = True, allow_redirections: bool = True
    ) -> list[Any]:
        async with self._client._slot():
            with self._client.outage():
                return await super().execute(raise_on_error, allow_redirections)

    @property
    def _client(self) -> StoreCluster:
        client = self.cluster_client
        assert isinstance(client, StoreCluster)
        return client
