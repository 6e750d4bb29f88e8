"""The worker autoscaling of deploy/k8s/keda.yaml, measured on a real Redis: jobs go through
the API, the scheduler's join script and its real dispatch pass (its policy, its dispatch
script) into workers' inboxes; KEDA's metrics-api call (the ScaledObject's URL, the operator
token as a Bearer token, its valueLocation) is made against the API, and the replica count is
worked out from that value with the ScaledObject's own settings, as KEDA and its
HorizontalPodAutoscaler do."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import group_all, passed, read_and_acquire, register
from tests.support.api import job_body, org_token
from tests.support.keda import desired_replicas, metric_value, scaled_object, the_trigger
from tests.support.manifests import load
from tests.support.platform import ADMIN_TOKEN

TARGET, OTHER = "emulator", "device"
MANIFESTS = load()
KEDA_AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
"""What KEDA's ``authMode: bearer`` sends: the TriggerAuthentication's token."""


class Autoscaler:
    """The replica count of one target's workers, following what KEDA asks for."""

    def __init__(self, api: httpx.AsyncClient, target: str) -> None:
        self.api = api
        self.spec = scaled_object(MANIFESTS, f"qgjob-worker-{target}")
        self.meta = the_trigger(self.spec)["metadata"]
        self.replicas = int(self.spec["minReplicaCount"])

    async def depth(self) -> float:
        """The value KEDA's metrics-api scaler reads now."""
        url = urlsplit(self.meta["url"])
        reply = await self.api.get(url.path, headers=KEDA_AUTH)
        assert reply.status_code == 200, reply.text
        return metric_value(reply.json(), self.meta["valueLocation"])

    async def poll(self) -> int:
        """One polling interval: the count KEDA asks for from the current value."""
        self.replicas = desired_replicas(self.spec, await self.depth(), self.replicas)
        return self.replicas


async def submit_groups(api: httpx.AsyncClient, org: dict[str, str], apps: range) -> None:
    """One job per app version, so each version makes a group of its own."""
    for n in apps:
        body = job_body(app_version_id=f"v{n}", test_path=f"tests/t{n}.spec.js")
        assert (await api.post("/v1/jobs", json=body, headers=org)).status_code == 201


async def test_keda_asks_for_one_worker_per_outstanding_group(
    sapi: httpx.AsyncClient, store: Store, redis_url: str
) -> None:
    emulators, devices = Autoscaler(sapi, TARGET), Autoscaler(sapi, OTHER)
    scheduler = Scheduler(
        SchedulerSettings(redis_url=redis_url, key_prefix=store.keys.prefix), store, store
    )
    assert (await emulators.poll(), await devices.poll()) == (1, 1)  # nothing to do: the minimum

    acme = await org_token(sapi, "acme")
    mine = await sapi.get(urlsplit(emulators.meta["url"]).path, headers=acme)
    assert mine.json()["queues"] is None, "an org's token does not see the queues: the operator's"
    await submit_groups(sapi, acme, range(5))
    assert len(await group_all(store)) == 5
    assert await scheduler.dispatch_pass() == []  # no emulator worker yet: all five wait
    assert (await emulators.depth(), await emulators.poll()) == (5, 5)
    assert (await devices.depth(), await devices.poll()) == (0, 1)  # nothing for devices

    # two workers come up; the scheduler gives each a group, into its own inbox
    for worker in ("w1", "w2"):
        await register(store, worker, TARGET)
    given = await scheduler.dispatch_pass()
    assert len(given) == 2
    assert (await emulators.depth(), await emulators.poll()) == (5, 5)  # 2 unread + 3 waiting
    leases = [await read_and_acquire(store, worker, TARGET) for worker in ("w1", "w2")]
    assert {lease.group_id for lease in leases} == set(given)
    stats = (await sapi.get("/v1/stats", headers=KEDA_AUTH)).json()
    assert stats["queues"][TARGET] == {"depth": 5, "lag": 0, "pending": 2, "waiting_groups": 3}
    assert await emulators.poll() == 5  # 2 held by workers + 3 waiting

    # both finish their group: three groups are left
    for worker, lease in zip(("w1", "w2"), leases, strict=True):
        ws = WorkerStore(store, worker, TARGET)
        (job,) = lease.jobs
        assert (await ws.start(lease, job.id)).ok
        assert await ws.finish(lease, job.id, passed()) == "passed"
        assert await ws.close(lease) is None
    assert (await emulators.depth(), await emulators.poll()) == (3, 3)
    assert len(await scheduler.dispatch_pass()) == 2  # the free workers take two more
    assert (await emulators.depth(), await emulators.poll()) == (3, 3)

    # a burst larger than the ScaledObject allows: capped at maxReplicaCount
    most = emulators.spec["maxReplicaCount"]
    await submit_groups(sapi, acme, range(5, 5 + most))
    assert len(await group_all(store)) == most
    assert (await emulators.depth(), await emulators.poll()) == (3 + most, most)
    assert (await devices.depth(), await devices.poll()) == (0, 1)
