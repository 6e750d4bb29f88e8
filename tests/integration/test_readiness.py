"""``/readyz`` on a plain redis-server: ready on a master, also where ``ROLE`` is renamed away
(as on some managed Redis), and not ready on its replica."""

from __future__ import annotations

from pathlib import Path

from qgjob_api.settings import ApiSettings
from qgjob_store import Store
from tests.support.api import in_process
from tests.support.redis_nodes import Node, stop_all
from tests.support.redis_server import free_port


async def _ready(url: str, prefix: str) -> int:
    store = Store.open(url, prefix=prefix)
    try:
        async with in_process(ApiSettings(), store) as api:
            return (await api.get("/readyz")).status_code
    finally:
        await store.close()


async def test_ready_where_role_is_renamed_not_on_its_replica(tmp_path: Path, prefix: str) -> None:
    master = Node("master", free_port(), tmp_path, ["--rename-command", "ROLE", ""])
    replica = Node("replica", free_port(), tmp_path, [])
    nodes = [master, replica]
    try:
        master.start()
        replica.args = ["--replicaof", "127.0.0.1", str(master.port)]
        replica.start()
        assert await _ready(f"redis://127.0.0.1:{master.port}/0", prefix) == 200
        assert await _ready(f"redis://127.0.0.1:{replica.port}/0", prefix) == 503
    finally:
        stop_all(nodes)
