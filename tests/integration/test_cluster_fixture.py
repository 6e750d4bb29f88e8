"""The Redis Cluster fixture: the cluster forms and serves keys through redis-py's cluster
client. The services do not run on a cluster yet (their scripts build key names inside)."""

from __future__ import annotations

from redis.asyncio.cluster import ClusterNode, RedisCluster

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
