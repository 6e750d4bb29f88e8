"""The store on a real Redis Cluster through its ``redis+cluster://`` client: every kind of
call qgjob makes (scripts, pipelines and transactions, blocking reads, SCAN, WAIT), and what
a batched reshard of the deployment's slot does to qgjob's scripts."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.crc import key_slot
from redis.exceptions import ResponseError

from qgjob_cli.embedded import choose_store, unreachable
from qgjob_store import (
    SCHEDULER_GROUP,
    JobStore,
    ReplicationTimeoutError,
    StatsStore,
    Store,
    StreamReader,
    TokenStore,
    connect,
)
from qgjob_store.cluster import POOL_HEADROOM, StoreCluster
from qgjob_store.events import EventLog
from qgjob_store.keys import Keys
from qgjob_store.maintenance import housekeeping
from tests.integration.helpers import submit
from tests.support.api import ADMIN, in_process, job_body, secured
from tests.support.cluster import ClusterSetup
from tests.support.cluster_slots import MOVE_SCRIPT, BatchedReshard, call, masters
from tests.support.redis_server import free_port
from tests.support.waiting import async_wait_until


@pytest.fixture
async def cstore(redis_cluster: ClusterSetup, prefix: str) -> AsyncIterator[Store]:
    s = Store.open(redis_cluster.url, prefix=prefix)
    try:
        yield s
    finally:
        await s.close()


def _slot(store: Store) -> int:
    return key_slot(store.keys.jobs_stream().encode())


async def test_scripts_pipelines_and_transactions(cstore: Store) -> None:
    assert cstore.cluster is not None
    jobs = await submit(cstore, 3, org="o1")  # the submit script, routed by its key
    created = await TokenStore(cstore).create("o1")  # a MULTI/EXEC transaction
    assert (await TokenStore(cstore).lookup(created.token)) is not None
    assert [t.id for t in await TokenStore(cstore).list("o1")] == [created.id]  # a pipeline
    stats = await StatsStore(cstore).stats(None, operator=True)  # pipelines, XINFO, XRANGE
    assert stats.jobs_by_status["queued"] == 3
    got = await JobStore(cstore).get(jobs[0].id)
    assert got is not None and got.status == "queued"
    page = await JobStore(cstore).page(org_id="o1")  # a raw ZRANGE BYLEX, then a pipeline
    assert {j.id for j in page.items} == {j.id for j in jobs}
    removed = await housekeeping(cstore, 3600)  # XINFO, XPENDING, XTRIM, SCAN, ZRANGEBYLEX
    assert removed["indexes"] == 0  # every indexed job is still there


async def test_blocking_reads_wait_for_new_entries(
    cstore: Store, redis_cluster: ClusterSetup, prefix: str
) -> None:
    reader = Store.open(redis_cluster.url, prefix=prefix, block_ms=2000)
    try:
        group_reader = StreamReader(
            reader.redis, cstore.keys.jobs_stream(), SCHEDULER_GROUP, "s1", block_ms=2000
        )
        await group_reader.start()
        assert await group_reader.read(block=False) == []
        events = EventLog(reader)
        last = await events.last_id()
        waiting = asyncio.gather(group_reader.read(), events.wait_after(last, 10, 2000))
        owner = redis_cluster.owner(_slot(cstore))
        assert owner is not None

        async def both_blocked() -> bool:
            c = owner.client()
            try:
                return int(c.info("clients")["blocked_clients"]) >= 2
            finally:
                c.close()

        await async_wait_until(both_blocked, timeout=5, what="both reads blocked on the master")
        [job] = await submit(cstore, 1)
        entries, new_events = await asyncio.wait_for(waiting, 10)
        assert [fields["job"] for _, fields in entries] == [job.id]  # XREADGROUP BLOCK
        assert [fields["job"] for _, fields in new_events] == [job.id]  # XREAD BLOCK
    finally:
        await reader.close()


async def test_scan_asks_only_the_master_of_the_slot(
    cstore: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await submit(cstore, 1, org="o1")
    await submit(cstore, 1, org="o2")
    asked: list[Any] = []
    original = StoreCluster.execute_command

    async def recording(self: StoreCluster, *args: Any, **kwargs: Any) -> Any:
        if args[0] == "SCAN":
            asked.append(kwargs.get("target_nodes"))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(StoreCluster, "execute_command", recording)
    found = {k async for k in cstore.scan_iter(match=cstore.keys.idx_org("*"), count=10)}
    assert found == {cstore.keys.idx_org("o1"), cstore.keys.idx_org("o2")}
    assert cstore.cluster is not None
    owner = cstore.cluster.owner(cstore.keys.jobs_stream())
    assert asked and all(node == owner for node in asked), asked


async def test_acknowledged_writes_wait_for_a_replica_of_the_slots_master(
    redis_cluster: ClusterSetup, prefix: str
) -> None:
    # a patient store for the write the replica confirms (a busy machine may take a while),
    # a short timeout for the one it cannot
    patient = Store.open(redis_cluster.url, prefix=prefix, wait_replicas=1, wait_timeout_ms=10_000)
    try:
        await submit(patient, 1)  # WAIT 1 answered by the master's replica
    finally:
        await patient.close()
    store = Store.open(redis_cluster.url, prefix=prefix, wait_replicas=1, wait_timeout_ms=300)
    try:
        owner = redis_cluster.owner(_slot(store))
        assert owner is not None
        replica = redis_cluster.replica_of(owner)
        assert replica.proc is not None
        os.kill(replica.proc.pid, signal.SIGSTOP)  # it cannot confirm (paused, not dead)
        try:
            with pytest.raises(ReplicationTimeoutError, match="0 of 1 replicas"):
                await submit(store, 1, path="late{}.spec.js")
        finally:
            os.kill(replica.proc.pid, signal.SIGCONT)
    finally:
        await store.close()


async def test_readyz_on_the_cluster_client(cstore: Store, redis_url: str, prefix: str) -> None:
    async with in_process(secured(), cstore) as api:
        assert (await api.get("/readyz")).status_code == 200
    # a redis+cluster:// URL naming a Redis that is not in cluster mode: never ready
    host_port = redis_url.removeprefix("redis://").split("/")[0]
    plain = Store.open(f"redis+cluster://{host_port}", prefix=prefix)
    try:
        async with in_process(secured(), plain) as api:
            r = await api.get("/readyz")
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "store_unavailable"
    finally:
        await plain.close()


async def test_a_batched_reshard_refuses_qgjobs_scripts_half_way(
    cstore: Store, redis_cluster: ClusterSetup
) -> None:
    """While a slot is migrating, its master refuses a script at the first command that
    touches a key it no longer has (or does not have yet), and keeps what the script wrote
    before it: qgjob's scripts are not safe across a batched reshard (docs/deployment.md).
    The API answers such a refusal 503, as a store outage, not 500."""
    [job] = await submit(cstore, 1)
    source = redis_cluster.owner(_slot(cstore))
    target = next(n for n in masters(redis_cluster) if n != source)
    reshard = BatchedReshard(redis_cluster, _slot(cstore), target).begin()
    try:
        reshard.move([cstore.keys.job(job.id)])  # one batch of one key
        async with in_process(secured(), cstore) as api:
            r = await api.post("/v1/jobs", json=job_body("o1"), headers=ADMIN)
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "store_unavailable"
        assert source is not None
        c = source.client()
        try:
            with pytest.raises(ResponseError, match="non local key"):
                c.eval(
                    "redis.call('HSET', KEYS[1], 'probe', 1) "
                    "return redis.call('HGET', ARGV[1], 'status')",
                    1,
                    cstore.keys.stats(),
                    cstore.keys.job(job.id),
                )
            assert c.hget(cstore.keys.stats(), "probe") == "1"  # written, not undone
        finally:
            c.close()
    finally:
        reshard.finish()
    async with in_process(secured(), cstore) as api:  # the client follows the slot
        r = await api.post("/v1/jobs", json=job_body("o1"), headers=ADMIN)
        assert r.status_code == 201, r.text

    async def moved() -> bool:
        return redis_cluster.owner(_slot(cstore)) == target

    assert await async_wait_until(moved, timeout=10, what="the slot on its new master")


async def test_qgjob_up_takes_a_cluster_url(redis_cluster: ClusterSetup) -> None:
    """``qgjob up --redis-url redis+cluster://...`` runs on the cluster, and says so when it
    cannot reach it (rather than taking the URL for a bad one)."""
    assert await choose_store(redis_cluster.url, fallback=False) == redis_cluster.url
    why = await unreachable(f"redis+cluster://127.0.0.1:{free_port()}")
    assert why is not None and "not a store URL" not in why, why


async def test_the_slot_move_script_leaves_the_source_whole_when_a_copy_fails(
    cstore: Store, redis_cluster: ClusterSetup
) -> None:
    await submit(cstore, 3)
    source = redis_cluster.owner(_slot(cstore))
    assert source is not None
    before = call(source, "CLUSTER", "COUNTKEYSINSLOT", _slot(cstore))
    nobody = free_port()  # the "target" does not answer: MIGRATE fails
    with pytest.raises(ResponseError):
        call(source, "EVAL", MOVE_SCRIPT.read_text(), 0, _slot(cstore), "127.0.0.1", nobody, "x")
    assert call(source, "CLUSTER", "COUNTKEYSINSLOT", _slot(cstore)) == before
    assert redis_cluster.owner(_slot(cstore)) == source  # the slot was not handed over
    assert len(await submit(cstore, 1)) == 1  # and is served as before


async def test_a_full_pool_makes_callers_wait(redis_cluster: ClusterSetup, prefix: str) -> None:
    """As the ``redis://`` client's blocking pool: more callers than connections wait for
    one (redis-py's cluster client would raise ``MaxConnectionsError``)."""
    client = connect(redis_cluster.url, block_ms=200, max_connections=2)
    try:
        stream = Keys(prefix).wake()
        # more than a node's connections (2 + POOL_HEADROOM): 2 at a time, the others wait
        reads = [client.xread({stream: "$"}, block=200) for _ in range(2 + POOL_HEADROOM + 2)]
        assert await asyncio.wait_for(asyncio.gather(*reads), 20) == [[]] * len(reads)
    finally:
        await client.aclose()
