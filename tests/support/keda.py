"""What KEDA does with the ScaledObjects of ``deploy/k8s/keda.yaml``: the value its
metrics-api scaler reads from a JSON answer (``valueLocation``), and the replica count that
value makes KEDA and the HorizontalPodAutoscaler it manages ask for."""

from __future__ import annotations

import math
import re
from typing import Any

from tests.support.manifests import Manifests, Obj

HPA_TOLERANCE = 0.1
"""The HorizontalPodAutoscaler leaves the count alone while the metric is within 10 % of its
target (kube-controller-manager's ``--horizontal-pod-autoscaler-tolerance`` default)."""
DEFAULT_MAX_REPLICAS = 100
"""KEDA's default ``maxReplicaCount``."""
PLAIN_GJSON_KEY = re.compile(r"[A-Za-z0-9_-]+")
"""A GJSON path component with no wildcard, escape, query or modifier in it: a plain key."""


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


def value_location_keys(value_location: str) -> list[str]:
    """The keys of a GJSON path made of plain keys (``queues.emulator.depth``)."""
    keys = value_location.split(".")
    for key in keys:
        assert PLAIN_GJSON_KEY.fullmatch(key), f"{value_location!r}: {key!r} is not a plain key"
    return keys


def metric_value(payload: Any, value_location: str) -> float:
    """The number the metrics-api scaler reads at ``value_location`` of a JSON answer."""
    value = payload
    for key in value_location_keys(value_location):
        assert isinstance(value, dict) and key in value, f"no {key!r} at {value_location!r}"
        value = value[key]
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return float(value)


def desired_replicas(spec: Obj, value: float, current: int) -> int:
    """The count KEDA asks for, from a ``metrics-api`` trigger's value, with ``current``
    replicas running: KEDA scales to ``idleReplicaCount`` (default 0) when
    ``minReplicaCount`` is 0 and the value is at most ``activationTargetValue``; otherwise its
    HPA, for an ``AverageValue`` target, wants ``ceil(value / targetValue)`` unless that is
    within the tolerance of the current count, within ``[max(minReplicaCount, 1),
    maxReplicaCount]``. (The behavior policies set the pace towards it, not the count.)"""
    trigger = the_trigger(spec)
    assert trigger.get("metricType", "AverageValue") == "AverageValue", "only AverageValue here"
    meta = trigger["metadata"]
    target = float(meta["targetValue"])
    activation = float(meta.get("activationTargetValue", 0))
    least = int(spec.get("minReplicaCount", 0))
    most = int(spec.get("maxReplicaCount", DEFAULT_MAX_REPLICAS))
    if least == 0 and value <= activation:
        return int(spec.get("idleReplicaCount", 0))
    current = max(current, 1)  # KEDA itself takes a deployment from 0 to 1
    wanted = current
    if abs(1.0 - value / (target * current)) > HPA_TOLERANCE:
        wanted = math.ceil(value / target)
    return max(least, 1, min(most, wanted))
