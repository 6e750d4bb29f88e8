"""One handle on the store: the client, the key names and the registered scripts."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from qgjob_redis.connection import connect, is_memory
from qgjob_redis.keys import Keys
from qgjob_redis.scripts import Retention, Scripts


@dataclass
class Store:
    redis: Redis
    keys: Keys
    scripts: Scripts
    embedded: bool = False
    """On the in-process store (``memory://``) rather than a Redis server."""

    @classmethod
    def open(
        cls,
        url: str,
        *,
        prefix: str = "qgjob",
        retention: Retention | None = None,
        block_ms: int = 0,
    ) -> Store:
        redis = connect(url, block_ms=block_ms)
        keys = Keys(prefix)
        scripts = Scripts(redis, keys, retention)
        return cls(redis=redis, keys=keys, scripts=scripts, embedded=is_memory(url))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()
