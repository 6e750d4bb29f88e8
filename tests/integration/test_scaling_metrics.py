"""The worker autoscaling of deploy/k8s/keda.yaml, measured on a real Redis: jobs go through
the API, the scheduler's join script (each new group's entry waits in its target's
assignment stream) and its real dispatch pass (its policy, its dispatch script: the entry
moves into the chosen worker's pending list); what KEDA's redis-streams scaler reads on each
poll (``XPENDING`` of the ScaledObject's stream and consumer group, under this test's key
prefix instead of the deployed one) is read from the real redis-server, and the replica
count is worked out from it with the ScaledObject's own settings, as KEDA and its
HorizontalPodAutoscaler do. The operator's ``/v1/stats`` shows the same depth."""

from __future__ import annotations

import httpx
import pytest
from redis.exceptions import ResponseError

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_store import HOLDING_CONSUMER, WORKER_GROUP, Keys, Store, WorkerStore
from tests.integration.helpers import group_all, passed, read_and_acquire, register
from tests.support.api import job_body, org_token
from tests.support.keda import desired_replicas, pending_entries, scaled_object, the_trigger
from tests.support.manifests import load
from tests.support.platform import ADMIN_TOKEN

TARGET, OTHER = "emulator", "device"
MANIFESTS = load()
DEPLOYED = Keys(MANIFESTS.config_map("qgjob-common")["QGJOB_KEY_PREFIX"])
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Autoscaler:
    """The replica count of one target's workers, following what KEDA asks for."""

    def __init__(self, store: Store, api: httpx.AsyncClient, target: str) -> None:
        self.store, self.api, self.target = store, api, target
        self.spec = scaled_object(MANIFESTS, f"qgjob-worker-{target}")
        trigger = the_trigger(self.spec)
        stream = trigger["metadata"]["stream"]
        assert stream == DEPLOYED.assign(target), "the deployed prefix's stream of the target"
        # the same stream under this test's prefix
        local = store.keys.base + stream[len(DEPLOYED.base) :]
        self.trigger = trigger | {"metadata": trigger["metadata"] | {"stream": local}}
        self.replicas = int(self.spec["minReplicaCount"])

    async def depth(self) -> int:
        """The value KEDA's redis-streams scaler reads now; the API's operator stats agree."""
        value = await pending_entries(self.store.redis, self.trigger)
        stats = (await self.api.get("/v1/stats", headers=ADMIN)).json()
        assert stats["queues"][self.target]["depth"] == value
        return value

    async def poll(self) -> int:
        """One polling interval: the count KEDA asks for from the current value (none when
        the scaler's read fails: then the HPA has no metric and keeps the count)."""
        try:
            depth = await self.depth()
        except ResponseError:
            return self.replicas
        self.replicas = desired_replicas(self.spec, depth, self.replicas)
        return self.replicas

    async def consumers(self) -> dict[str, int]:
        """What each consumer of the stream's group holds (XINFO CONSUMERS)."""
        rows = await self.store.redis.xinfo_consumers(
            self.trigger["metadata"]["stream"], WORKER_GROUP
        )
        return {r["name"]: int(r["pending"]) for r in rows if int(r["pending"])}


async def submit_groups(api: httpx.AsyncClient, org: dict[str, str], apps: range) -> None:
    """One job per app version, so each version makes a group of its own."""
    for n in apps:
        body = job_body(app_version_id=f"v{n}", test_path=f"tests/t{n}.spec.js")
        assert (await api.post("/v1/jobs", json=body, headers=org)).status_code == 201


async def test_keda_asks_for_one_worker_per_outstanding_group(
    sapi: httpx.AsyncClient, store: Store, redis_url: str
) -> None:
    emulators, devices = Autoscaler(store, sapi, TARGET), Autoscaler(store, sapi, OTHER)
    scheduler = Scheduler(
        SchedulerSettings(redis_url=redis_url, key_prefix=store.keys.prefix), store, store
    )
    # before anything made the streams the scaler cannot read: no metric, the count stays
    assert (await emulators.poll(), await devices.poll()) == (1, 1)
    with pytest.raises(ResponseError, match="NOGROUP"):
        await emulators.depth()
    await scheduler.start()  # a scheduler makes every target's stream and group at start
    assert (await emulators.depth(), await devices.depth()) == (0, 0)
    assert (await emulators.poll(), await devices.poll()) == (1, 1)  # nothing to do: the minimum

    acme = await org_token(sapi, "acme")
    mine = await sapi.get("/v1/stats", headers=acme)
    assert mine.json()["queues"] is None, "an org's token does not see the queues: the operator's"
    await submit_groups(sapi, acme, range(5))
    assert len(await group_all(store)) == 5
    assert await scheduler.dispatch_pass() == []  # no emulator worker yet: all five wait
    assert await emulators.consumers() == {HOLDING_CONSUMER: 5}
    assert (await emulators.depth(), await emulators.poll()) == (5, 5)
    assert (await devices.depth(), await devices.poll()) == (0, 1)  # nothing for devices

    # two workers come up; the scheduler gives each a group: its entry moves into the
    # worker's pending list, and the group is still outstanding
    for worker in ("w1", "w2"):
        await register(store, worker, TARGET)
    given = await scheduler.dispatch_pass()
    assert len(given) == 2
    assert await emulators.consumers() == {HOLDING_CONSUMER: 3, "w1": 1, "w2": 1}
    assert (await emulators.depth(), await emulators.poll()) == (5, 5)  # 2 held + 3 waiting
    leases = [await read_and_acquire(store, worker, TARGET) for worker in ("w1", "w2")]
    assert {lease.group_id for lease in leases} == set(given)
    stats = (await sapi.get("/v1/stats", headers=ADMIN)).json()
    assert stats["queues"][TARGET] == {"depth": 5, "lag": 0, "pending": 5, "waiting_groups": 3}
    assert await emulators.poll() == 5

    # both finish their group (its entry is acked): three groups are left
    for worker, lease in zip(("w1", "w2"), leases, strict=True):
        ws = WorkerStore(store, worker, TARGET)
        (job,) = lease.jobs
        assert (await ws.start(lease, job.id)).ok
        assert await ws.finish(lease, job.id, passed()) == "passed"
        assert await ws.close(lease) is None
    assert await emulators.consumers() == {HOLDING_CONSUMER: 3}
    assert (await emulators.depth(), await emulators.poll()) == (3, 3)
    assert len(await scheduler.dispatch_pass()) == 2  # the free workers take two more
    assert (await emulators.depth(), await emulators.poll()) == (3, 3)

    # a burst larger than the ScaledObject allows: capped at maxReplicaCount
    most = emulators.spec["maxReplicaCount"]
    await submit_groups(sapi, acme, range(5, 5 + most))
    assert len(await group_all(store)) == most
    assert (await emulators.depth(), await emulators.poll()) == (3 + most, most)
    assert (await devices.depth(), await devices.poll()) == (0, 1)
