"""The Redis Cluster fixture: the cluster forms and serves keys through redis-py's cluster
client; and readiness on a cluster: a plain client is ready only on the master that owns the
deployment's slot, the ``redis+cluster://`` client only while that slot has a master."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.crc import key_slot

from qgjob_api.settings import ApiSettings
from qgjob_store import JobStore, Store, WorkerStore
from qgjob_store.keys import Keys
from qgjob_store.scripts import Scripts
from tests.integration.helpers import give, group_all, passed, register, submit
from tests.support.api import in_process
from tests.support.cluster import ClusterSetup
from tests.support.cluster_slots import call
from tests.support.waiting import async_wait_until


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
    """Through a plain ``redis://`` client only the master owning the deployment's slot can
    run the scripts: every other node must say not ready (it would refuse every write)."""
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


async def test_scripts_run_through_the_cluster_client_on_the_node_of_their_keys(
    redis_cluster: ClusterSetup, prefix: str
) -> None:
    """Each call passes its keys in KEYS, so the cluster client sends it to the master of
    their slot: a job is submitted, grouped, given, run and closed, under a prefix whose
    slot each master holds in turn."""
    nodes = [ClusterNode(host, port) for host, port in redis_cluster.startup_nodes[:1]]
    client = RedisCluster(startup_nodes=nodes, decode_responses=True)
    owners: set[int] = set()
    try:
        await client.initialize()
        for n in range(40):
            keys = Keys(f"{prefix}-{n}")
            owner = client.get_node_from_key(keys.stats()).port
            if owner in owners:
                continue
            owners.add(owner)
            store = Store(redis=client, keys=keys, scripts=Scripts(client, keys))
            await _run_one_job(store)
            if len(owners) == 3:
                break
        assert len(owners) == 3
    finally:
        await client.aclose()


async def _run_one_job(store: Store) -> None:
    (job,) = await submit(store)
    (gid,) = await group_all(store)
    await register(store, "w1")
    assert await give(store, gid, "w1") == [gid]
    ws = WorkerStore(store, "w1", "emulator", hot_path=False)  # no pool of its own to take
    reader = ws.reader(store, block_ms=50)
    await reader.start()
    (entry,) = await reader.read(block=False)
    lease = await ws.acquire(entry)
    assert lease is not None
    assert (await ws.start(lease, job.id)).ok
    assert await ws.finish(lease, job.id, passed()) == "passed"
    assert await ws.close(lease) is None
    stored = await JobStore(store).get(job.id)
    assert stored is not None and stored.status.value == "passed"


@pytest.fixture
def fresh_cluster(tmp_path: Path) -> Iterator[ClusterSetup]:
    """A cluster of this test's own: it loses a master or a slot."""
    setup = ClusterSetup(tmp_path / "cluster")
    try:
        yield setup.start()
    finally:
        setup.stop()


async def _ready(store: Store) -> int:
    async with in_process(ApiSettings(), store) as api:
        return (await api.get("/readyz")).status_code


async def test_readyz_not_ready_while_the_slots_master_is_down(
    fresh_cluster: ClusterSetup, prefix: str
) -> None:
    store = Store.open(fresh_cluster.url, prefix=prefix)
    slot = key_slot(Keys(prefix).jobs_stream().encode())
    try:
        assert await _ready(store) == 200
        owner = fresh_cluster.owner(slot)
        assert owner is not None
        owner.kill()  # its replica takes over only after the node timeout (2 s)
        assert await _ready(store) == 503
        assert fresh_cluster.owner(slot) is None  # (still no promoted replica: not a race)

        async def ready() -> bool:
            return await _ready(store) == 200

        assert await async_wait_until(ready, timeout=30, interval=0.2, what="the replica promoted")
        assert fresh_cluster.owner(slot) not in (None, owner)
    finally:
        await store.close()


async def test_readyz_not_ready_while_no_node_serves_the_slot(
    fresh_cluster: ClusterSetup, prefix: str
) -> None:
    store = Store.open(fresh_cluster.url, prefix=prefix)
    slot = key_slot(Keys(prefix).jobs_stream().encode())
    try:
        assert await _ready(store) == 200
        owner = fresh_cluster.owner(slot)
        assert owner is not None
        for node in fresh_cluster.live():
            call(node, "CLUSTER", "DELSLOTS", slot)

        async def answers(code: int) -> bool:
            return await _ready(store) == code

        await async_wait_until(lambda: answers(503), timeout=15, what="not ready")
        call(owner, "CLUSTER", "ADDSLOTS", slot)
        await async_wait_until(lambda: answers(200), timeout=15, what="ready again")
    finally:
        await store.close()
