"""Redis clients for a ``redis://``/``rediss://`` URL, for the master a set of sentinels names
(``redis+sentinel://``, see :mod:`qgjob_store.sentinel_url`), for a Redis Cluster
(``redis+cluster://``, see :mod:`qgjob_store.cluster`), or an in-process store for
``memory://``.

``memory://`` (optionally ``memory://name``) is fakeredis with Lua, shared by every client of
the same name in this process: the embedded mode runs the whole platform on it with the
same code path as on a real server. It is refused where several processes would each get
their own copy (see :func:`require_shared_store`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode
from redis.asyncio.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import (
    Sentinel,
    SentinelConnectionPool,
    SentinelManagedConnection,
    SentinelManagedSSLConnection,
)
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from qgjob_store.cluster import StoreCluster
from qgjob_store.cluster_url import ClusterUrlError, is_cluster, parse_cluster_url
from qgjob_store.sentinel_url import SentinelUrlError, is_sentinel, parse_sentinel_url

MEMORY_SCHEME = "memory://"
DECODE_ERRORS = "replace"
"""Bytes that are not UTF-8 (in a stream entry written by hand, say) read as U+FFFD: such an
entry is then poison to be dead-lettered, not a reply no reader can decode."""
_memory_servers: dict[str, Any] = {}


class _ClosedTransportIsConnectionError:
    """A write on a connection the server closed meanwhile (a restart) is a connection
    error: uvloop, which the services run on, refuses it with a ``RuntimeError`` that
    redis-py passes on as it is, so its retries and every caller's "store away for now"
    handling missed it (an API request answered 500 instead of being tried again)."""

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        try:
            await super().send_packed_command(command, check_health)  # type: ignore[misc]
        except RuntimeError as exc:  # redis-py has dropped the connection already
            raise RedisConnectionError(f"the connection was closed: {exc}") from exc


class _Connection(_ClosedTransportIsConnectionError, Connection):
    pass


class _SSLConnection(_ClosedTransportIsConnectionError, SSLConnection):
    pass


class _UnixConnection(_ClosedTransportIsConnectionError, UnixDomainSocketConnection):
    pass


class _SentinelConnection(_ClosedTransportIsConnectionError, SentinelManagedConnection):
    pass


class _SentinelSSLConnection(_ClosedTransportIsConnectionError, SentinelManagedSSLConnection):
    pass


def _connection_class(url: str) -> type[Connection]:
    """The connection class of a ``redis://``, ``rediss://`` or ``unix://`` URL."""
    if url.startswith("rediss://"):
        return _SSLConnection
    if url.startswith("unix://"):
        return _UnixConnection  # type: ignore[return-value]
    return _Connection


class StoreConfigError(ValueError):
    """The store URL cannot be used the way it was asked for."""


def is_memory(url: str) -> bool:
    return url.startswith(MEMORY_SCHEME)


def require_shared_store(url: str, service: str) -> None:
    """Refuse ``memory://`` for a service that runs on its own: it would split the brain."""
    if is_memory(url):
        raise StoreConfigError(
            f"QGJOB_REDIS_URL={url!r}: {service} runs as its own process and cannot share an "
            "in-memory store; point QGJOB_REDIS_URL at a Redis server (redis://host:6379/0), "
            "or run everything in one process with `qgjob up`."
        )


def _memory_client(url: str) -> Redis:
    from fakeredis import FakeAsyncRedis, FakeServer

    name = url[len(MEMORY_SCHEME) :] or "default"
    server = _memory_servers.get(name)
    if server is None:
        server = _memory_servers[name] = FakeServer()
    client: Redis = FakeAsyncRedis(
        server=server, decode_responses=True, encoding_errors=DECODE_ERRORS
    )
    return client


class _BlockingSentinelPool(SentinelConnectionPool, BlockingConnectionPool):
    """Sentinel's pool that waits for a free connection instead of raising, as the plain
    ``redis://`` pool does (a full pool must slow a burst down, not fail it)."""


def _options(block_ms: int) -> dict[str, Any]:
    return {
        "decode_responses": True,
        "encoding_errors": DECODE_ERRORS,
        "protocol": 2,
        "socket_timeout": 5.0 + block_ms / 1000.0,
        "socket_connect_timeout": 5.0,
        "health_check_interval": 30,
    }


def _sentinel_client(url: str, block_ms: int, max_connections: int) -> Redis:
    try:
        parsed = parse_sentinel_url(url)
    except SentinelUrlError as exc:
        raise StoreConfigError(f"QGJOB_REDIS_URL: {exc}") from exc
    # the sentinels answer small queries: they get short timeouts of their own, whatever
    # the BLOCK of the data connection
    sentinel_kwargs: dict[str, object] = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}
    sentinel_kwargs |= parsed.sentinel_options
    if not sentinel_kwargs.get("ssl"):
        sentinel_kwargs.pop("ssl", None)
    manager = Sentinel(parsed.sentinels, sentinel_kwargs=sentinel_kwargs)  # type: ignore[no-untyped-call]
    options = _options(block_ms) | {
        "db": parsed.db,
        "username": parsed.username,
        "password": parsed.password,
    }
    if parsed.ssl:
        options["ssl"] = True
    options["connection_class"] = _SentinelSSLConnection if parsed.ssl else _SentinelConnection
    pool = _BlockingSentinelPool(  # type: ignore[no-untyped-call]
        parsed.master,
        manager,
        is_master=True,
        check_connection=True,
        max_connections=max_connections,
        timeout=10,
        **options,
    )
    return Redis(connection_pool=pool, retry=_retry())


def _cluster_client(url: str, block_ms: int, max_connections: int) -> Redis:
    try:
        parsed = parse_cluster_url(url)
    except ClusterUrlError as exc:
        raise StoreConfigError(f"QGJOB_REDIS_URL: {exc}") from exc
    options = _options(block_ms) | {"username": parsed.username, "password": parsed.password}
    if parsed.ssl:
        options |= {"ssl": True, **parsed.ssl_options}
    client = StoreCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in parsed.nodes],
        node_options=options,
        max_connections=max_connections,
        # only the deployment's slot matters: another slot without a node is no reason to
        # refuse to start (the servers say CLUSTERDOWN if they require full coverage)
        require_full_coverage=False,
        retry=_retry(),
        **options,
    )
    # typed as the plain client: the commands qgjob uses take the same arguments on both,
    # and what differs (a connection pool, WAIT's connection) is asked for by `Store.cluster`
    return cast(Redis, client)


def _retry() -> Retry:
    return Retry(ExponentialWithJitterBackoff(base=0.05, cap=2.0), retries=3)


def connect(url: str, *, block_ms: int = 0, max_connections: int = 64) -> Redis:
    """A client for ``url``. Give each blocking reader its own client with ``block_ms`` set,
    so its socket timeout outlasts the ``BLOCK`` of its reads."""
    if is_memory(url):
        return _memory_client(url)
    if is_sentinel(url):
        return _sentinel_client(url, block_ms, max_connections)
    if is_cluster(url):
        return _cluster_client(url, block_ms, max_connections)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise StoreConfigError(
            f"QGJOB_REDIS_URL={url!r} is not a store URL: use redis://host:port/db, "
            "rediss:// for TLS, redis+sentinel://host:port[,host:port]/<master-name>[/db] "
            "for a Sentinel deployment, redis+cluster://host:port[,host:port] for a Redis "
            "Cluster, or memory:// for the embedded store"
        )
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=10,
        connection_class=_connection_class(url),
        **_options(block_ms),
    )
    return Redis(connection_pool=pool, retry=_retry())
