"""One handle on the store: the client, the key names and the registered scripts."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from qgjob_redis.connection import connect
from qgjob_redis.keys import Keys
from qgjob_redis.scripts import Retention, Scripts


@dataclass
class Store:
    redis: Redis
    keys: Keys
    scripts: Scripts

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
        return cls(redis=redis, keys=keys, scripts=Scripts(redis, keys, retention))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()
