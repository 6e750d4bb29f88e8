"""A connection the server closed under a client on uvloop (what the services run on) is a
connection error, which the client's retries and every "store away" handler know; not the
RuntimeError uvloop raises for a write on a closed transport (an API request answered 500)."""

from __future__ import annotations

import asyncio

import pytest
import uvloop
from redis.exceptions import ConnectionError as RedisConnectionError

from qgjob_store.connection import connect


async def _write_on_a_closed_transport(url: str) -> None:
    client = connect(url)
    try:
        assert await client.ping()
        conn = await client.connection_pool.get_connection()
        conn._writer.transport.abort()  # type: ignore[union-attr]  # as a restart does
        await asyncio.sleep(0)
        with pytest.raises(RedisConnectionError):
            await conn.send_command("PING")
        await client.connection_pool.release(conn)
        assert await client.ping()  # the client goes on with a new connection
    finally:
        await client.aclose()


def test_a_write_on_a_connection_the_server_closed_is_a_connection_error(redis_url: str) -> None:
    uvloop.run(_write_on_a_closed_transport(redis_url))
