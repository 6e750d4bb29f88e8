"""What KEDA does with the ScaledObjects of ``deploy/k8s/keda.yaml``: the value its
``redis-streams`` scaler reads from Redis (with ``consumerGroup`` set: the group's pending
count, ``XPENDING <stream> <group>``, as KEDA's ``redis_streams_scaler.go`` asks for it), and
the replica count that value makes KEDA and the HorizontalPodAutoscaler it manages ask
for."""

from __future__ import annotations

import math

from redis.asyncio import Redis

from tests.support.manifests import Manifests, Obj

HPA_TOLERANCE = 0.1
"""The HorizontalPodAutoscaler leaves the count alone while the metric is within 10 % of its
target (kube-controller-manager's ``--horizontal-pod-autoscaler-tolerance`` default)."""
DEFAULT_MAX_REPLICAS = 100
"""KEDA's default ``maxReplicaCount``."""
DEFAULT_PENDING_ENTRIES = 5
"""The scaler's default ``pendingEntriesCount``."""


def scaled_object(manifests: Manifests, deployment: str) -> Obj:
    """The spec of the one ScaledObject that scales ``deployment``."""
    found = [
        d.obj["spec"]
        for d in manifests.of_kind("ScaledObject")
        if d.obj["spec"]["scaleTargetRef"]["name"] == deployment
    ]
    assert len(found) == 1, f"one ScaledObject for {deployment}, found {len(found)}"
    spec: Obj = found[0]
    return spec


def the_trigger(spec: Obj) -> Obj:
    """The ScaledObject's only trigger (several would need a formula or KEDA's maximum)."""
    (trigger,) = spec["triggers"]
    out: Obj = trigger
    return out


def pending_target(trigger: Obj) -> float:
    """The pending entries one replica is for: the trigger's ``pendingEntriesCount``."""
    assert trigger["type"] == "redis-streams", trigger["type"]
    meta = trigger["metadata"]
    assert "consumerGroup" in meta and "lagCount" not in meta, "the pending-entries mode"
    return float(meta.get("pendingEntriesCount", DEFAULT_PENDING_ENTRIES))


async def pending_entries(redis: Redis, trigger: Obj) -> int:
    """What the scaler reads on each poll: the consumer group's pending count (the summary
    form of ``XPENDING``) on the trigger's stream."""
    meta = trigger["metadata"]
    summary = await redis.xpending(meta["stream"], meta["consumerGroup"])
    return int(summary["pending"])


def desired_replicas(spec: Obj, value: float, current: int) -> int:
    """The count KEDA asks for, from the ``redis-streams`` trigger's value, with ``current``
    replicas running: the scaler is active while the value is above 0; inactive, KEDA scales
    to ``idleReplicaCount`` (default 0) when ``minReplicaCount`` is 0; otherwise its HPA,
    for an ``AverageValue`` target, wants ``ceil(value / pendingEntriesCount)`` unless that
    is within the tolerance of the current count, within ``[max(minReplicaCount, 1),
    maxReplicaCount]``. (The behavior policies set the pace towards it, not the count.)"""
    trigger = the_trigger(spec)
    assert trigger.get("metricType", "AverageValue") == "AverageValue", "only AverageValue here"
    target = pending_target(trigger)
    least = int(spec.get("minReplicaCount", 0))
    most = int(spec.get("maxReplicaCount", DEFAULT_MAX_REPLICAS))
    if least == 0 and value <= 0:
        return int(spec.get("idleReplicaCount", 0))
    current = max(current, 1)  # KEDA itself takes a deployment from 0 to 1
    wanted = current
    if abs(1.0 - value / (target * current)) > HPA_TOLERANCE:
        wanted = math.ceil(value / target)
    return max(least, 1, min(most, wanted))
