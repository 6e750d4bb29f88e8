"""The Redis Cluster fixture: the cluster forms and serves keys through redis-py's cluster
client. The services do not run on a cluster yet (their scripts build key names inside)."""

from __future__ import annotations

from typing import Any

from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.crc import key_slot

from qgjob_api.settings import ApiSettings
from qgjob_store import Store
from qgjob_store.keys import Keys
from tests.support.api import in_process
from tests.support.cluster import ClusterSetup


def test_three_masters_three_replicas(redis_cluster: ClusterSetup) -> None:
    assert redis_cluster.roles() == {"master": 3, "slave": 3}


async def test_keys_written_and_read_through_the_cluster_client(
    redis_cluster: ClusterSetup,
) -> None:
    nodes = [ClusterNode(host, port) for host, port in redis_cluster.startup_nodes[:1]]
    client = RedisCluster(startup_nodes=nodes, decode_responses=True)
    try:
        keys = [f"fixture:{i}" for i in range(30)]  # spread over the three masters' slots
        for k in keys:
            await client.set(k, k.upper())
        assert [await client.get(k) for k in keys] == [k.upper() for k in keys]
        owners = {client.get_node_from_key(k).port for k in keys}
        assert len(owners) == 3, owners
    finally:
        await client.aclose()


async def test_readyz_ready_only_on_the_master_that_owns_the_keys(
    redis_cluster: ClusterSetup, prefix: str
) -> None:
    """The scripts name their keys inside, so only the master owning the deployment's slot
    can run them: every other node must say not ready (it would answer 500 to writes)."""
    slot = key_slot(Keys(prefix).jobs_stream().encode())
    seen = {}
    for node in redis_cluster.nodes:
        c = node.client()
        try:
            role = c.execute_command("ROLE")[0]
            owner = c.execute_command("CLUSTER", "KEYSLOT", Keys(prefix).jobs_stream())
            owns = role == "master" and _owns(
                c.execute_command("CLUSTER", "SHARDS"), slot, node.port
            )
        finally:
            c.close()
        assert owner == slot
        store = Store.open(f"redis://127.0.0.1:{node.port}/0", prefix=prefix)
        try:
            async with in_process(ApiSettings(), store) as api:
                r = await api.get("/readyz")
        finally:
            await store.close()
        seen[node.port] = (owns, r.status_code)
        assert r.status_code == (200 if owns else 503), (node.port, role, r.text)
    assert sorted(code for _, code in seen.values()) == [200, 503, 503, 503, 503, 503], seen


def _owns(shards: list[object], slot: int, port: int) -> bool:
    """Whether the node on ``port`` is the master of the shard holding ``slot``."""
    for shard in shards:
        fields = _pairs(shard)
        ranges = fields["slots"]
        held = any(int(ranges[i]) <= slot <= int(ranges[i + 1]) for i in range(0, len(ranges), 2))
        if held:
            masters = [_pairs(n) for n in fields["nodes"]]
            return any(int(n["port"]) == port and n["role"] == "master" for n in masters)
    return False


def _pairs(value: object) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    assert isinstance(value, list)
    return dict(zip(value[::2], value[1::2], strict=True))
