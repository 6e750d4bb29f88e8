"""The worker autoscaling of deploy/k8s/keda.yaml, measured on a real Redis: KEDA's two
redis-streams metrics (XPENDING count and XINFO GROUPS lag of the workers' group) combined
by the ScaledObject's formula ask for one worker per outstanding group, while the pending
entries alone never ask for more workers than are running."""

from __future__ import annotations

import math
import re
from typing import Any

from qgjob_redis import Store, WorkerStore
from qgjob_redis.keys import WORKER_GROUP
from tests.support.manifests import load

TARGET = "emulator"


def scaled_object() -> dict[str, Any]:
    (doc,) = [
        d
        for d in load().of_kind("ScaledObject")
        if d.obj["spec"]["scaleTargetRef"]["name"] == f"qgjob-worker-{TARGET}"
    ]
    spec: dict[str, Any] = doc.obj["spec"]
    return spec


async def metric(store: Store, trigger: dict[str, Any]) -> int:
    """What KEDA's redis-streams scaler reads for one trigger."""
    meta = trigger["metadata"]
    stream = meta["stream"].replace("{qgjob}", store.keys.base.removesuffix(":"))
    if "pendingEntriesCount" in meta:
        summary = await store.redis.xpending(stream, meta["consumerGroup"])
        return int(summary["pending"])
    groups = await store.redis.xinfo_groups(stream)
    lag = next(g for g in groups if g["name"] == meta["consumerGroup"])["lag"]
    return int(lag or 0)  # KEDA reads an unknown lag as 0


async def desired_workers(store: Store) -> int:
    spec = scaled_object()
    values = {t["name"]: await metric(store, t) for t in spec["triggers"]}
    modifiers = spec["advanced"]["scalingModifiers"]
    assert re.fullmatch(r"\w+( \+ \w+)*", modifiers["formula"]), "only sums are evaluated here"
    total = sum(values[name] for name in modifiers["formula"].split(" + "))
    wanted = math.ceil(total / float(modifiers["target"]))
    return max(spec["minReplicaCount"], min(spec["maxReplicaCount"], wanted))


async def test_formula_asks_for_one_worker_per_outstanding_group(store: Store) -> None:
    stream = store.keys.assign(TARGET)
    workers = [WorkerStore(store, f"{TARGET}-{n}", TARGET) for n in range(2)]
    readers = [w.reader(store, block_ms=100) for w in workers]
    for reader in readers:
        await reader.start()
    assert await desired_workers(store) == 1  # nothing to do: the minimum

    for n in range(5):
        await store.redis.xadd(stream, {"group": f"g{n}", "priority": "1"})
    assert await desired_workers(store) == 5  # five groups waiting, none running

    taken = [await reader.read() for reader in readers]
    assert [len(t) for t in taken] == [1, 1]  # each worker holds one group at a time
    pending = (await store.redis.xpending(stream, WORKER_GROUP))["pending"]
    assert pending == 2, "pending entries alone would ask for the two workers running"
    assert await desired_workers(store) == 5  # 2 running + 3 waiting

    await store.redis.xack(stream, WORKER_GROUP, *(t[0][0] for t in taken))
    assert await desired_workers(store) == 3  # the two finished; three still waiting
