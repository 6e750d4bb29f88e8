"""What the manifests promise an operator: hardened pods with probes and resources, a drain
that fits in the grace period, disruption budgets and autoscalers that point at real
workloads, KEDA reading the workers' outstanding groups from their assignment streams,
Redis durable, TLS at the edge."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from qgjob_schemas import Target
from qgjob_store import WORKER_GROUP, Keys
from tests.support.commands import check_argv
from tests.support.keda import desired_replicas, pending_target, scaled_object, the_trigger
from tests.support.manifests import ROOT, Doc, Obj, Pod, argv_of, dockerfile_instructions, load
from tests.support.programs import build_settings, readable

MANIFESTS = load()
PODS = list(MANIFESTS.pods())
POD_IDS = [str(p.owner) for p in PODS]
WORKLOAD_KINDS = ("Deployment", "StatefulSet")
NAMESPACE = MANIFESTS.kustomization["namespace"]
DRAIN_MARGIN_S = (15, 120)
"""terminationGracePeriodSeconds - QGJOB_DRAIN_GRACE_S: time to stop the test, hand the
group back and exit; at least 15 s, and not so long that a drain waits for nothing."""


def _matches(selector: Obj, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against labels."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def _pods_of(selector: Obj) -> list[Pod]:
    return [p for p in PODS if _matches(selector, p.labels)]


def _workload(kind: str, name: str) -> Doc:
    return MANIFESTS.get(kind, name)


# --- pods ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pod", PODS, ids=POD_IDS)
def test_pod_runs_as_non_root_with_a_read_only_root(pod: Pod) -> None:
    security = pod.spec["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] > 0
    assert security["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod.spec.get("automountServiceAccountToken") is False
    for container in pod.containers():
        c = container["securityContext"]
        assert c["readOnlyRootFilesystem"] is True, container["name"]
        assert c["allowPrivilegeEscalation"] is False, container["name"]
        assert c["capabilities"]["drop"] == ["ALL"], container["name"]


@pytest.mark.parametrize("pod", PODS, ids=POD_IDS)
def test_writable_paths_are_volumes(pod: Pod) -> None:
    """With a read-only root, /tmp (Python's temporary files, the scheduler's liveness file,
    a driver's downloads) must be a volume; emptyDirs have a size limit."""
    volumes = {v["name"]: v for v in pod.spec.get("volumes", [])}
    claims = {t["metadata"]["name"] for t in pod.owner.obj["spec"].get("volumeClaimTemplates", [])}
    for container in pod.containers():
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, container["name"]
        for name in mounts.values():
            assert name in volumes or name in claims, name
    for volume in volumes.values():
        if "emptyDir" in volume:
            assert volume["emptyDir"].get("sizeLimit"), volume["name"]


@pytest.mark.parametrize("pod", PODS, ids=POD_IDS)
def test_containers_have_requests_limits_and_probes(pod: Pod) -> None:
    """Every container has requests and a memory limit; every long-running one (not a Job's)
    has liveness and readiness probes."""
    for container in pod.containers():
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), container["name"]
        assert "memory" in resources["limits"], container["name"]
        if pod.owner.kind in WORKLOAD_KINDS:
            assert "livenessProbe" in container, container["name"]
            assert "readinessProbe" in container, container["name"]


def test_qgjob_pods_run_as_the_images_user() -> None:
    """The Dockerfile's numeric USER and the pods' runAsUser agree."""
    user = [r for i, r in dockerfile_instructions(ROOT / "Dockerfile") if i == "USER"][-1]
    uid, _, gid = user.partition(":")
    for pod, _ in MANIFESTS.qgjob_containers():
        assert str(pod.spec["securityContext"]["runAsUser"]) == uid
        assert str(pod.spec["securityContext"]["runAsGroup"]) == gid


# --- files: where the programs write --------------------------------------------------

READ_ONLY_PATHS = {"test_workdir"}
"""Path settings a program only reads (the team's test repository)."""


def _settings_of(container: Obj) -> Any:
    env = MANIFESTS.env(container)
    argv = argv_of(container)
    read = readable(check_argv(argv, env))
    return build_settings(argv[0], {k: v for k, v in env.items() if k in read})


def _mount_of(container: Obj, path: Path) -> Obj | None:
    """The volume mount that holds ``path`` (the deepest), or None."""
    mounts = [m for m in container.get("volumeMounts", []) if path.is_relative_to(m["mountPath"])]
    return max(mounts, key=lambda m: len(m["mountPath"]), default=None)


def _volume(pod: Pod, name: str) -> Obj:
    return next(v for v in pod.spec["volumes"] if v["name"] == name)


def _written_paths(container: Obj) -> dict[str, Path]:
    settings = _settings_of(container)
    workdir = Path(
        next(r for i, r in dockerfile_instructions(ROOT / "Dockerfile") if i == "WORKDIR")
    )
    paths = {
        name: workdir / value
        for name, value in settings
        if isinstance(value, Path) and name not in READ_ONLY_PATHS
    }
    if getattr(settings, "alive_file", ""):
        paths["alive_file"] = Path(settings.alive_file)
    return paths


@pytest.mark.parametrize(
    ("pod", "container"),
    list(MANIFESTS.qgjob_containers()),
    ids=[str(p.owner) for p, _ in MANIFESTS.qgjob_containers()],
)
def test_paths_the_programs_write_are_on_writable_volumes(pod: Pod, container: Obj) -> None:
    for name, path in _written_paths(container).items():
        assert path.is_absolute(), name
        mount = _mount_of(container, path)
        assert mount is not None, f"{name}={path} is on the read-only root file system"
        assert not mount.get("readOnly"), name


def test_api_and_workers_share_uploaded_builds_and_artifacts() -> None:
    """Workers read uploaded builds where the API stored them, and the API serves the
    artifacts workers wrote: the same folder of the same ReadWriteMany claim in every pod."""
    places: dict[str, set[tuple[str, str]]] = {}
    for pod, container in MANIFESTS.qgjob_containers():
        component = pod.labels["app.kubernetes.io/component"]
        paths = _written_paths(container)
        wanted = {"api": ["build_store_dir", "artifact_dir"], "worker": ["artifact_dir"]}
        for name in wanted.get(component, []):
            mount = _mount_of(container, paths[name])
            assert mount is not None
            claim = _volume(pod, mount["name"]).get("persistentVolumeClaim", {}).get("claimName")
            assert claim, f"{pod.owner.name}: {name} is not on a shared volume"
            places.setdefault(name, set()).add((claim, str(paths[name])))
            places.setdefault("mount", set()).add((claim, mount["mountPath"]))
    assert {k: len(v) for k, v in places.items()} == {
        "build_store_dir": 1,
        "artifact_dir": 1,
        "mount": 1,
    }, places
    ((claim, _),) = places["mount"]
    pvc = MANIFESTS.get("PersistentVolumeClaim", claim).obj["spec"]
    assert pvc["accessModes"] == ["ReadWriteMany"]


def test_ingress_lets_the_largest_build_upload_through() -> None:
    (api,) = [c for p, c in MANIFESTS.qgjob_containers() if argv_of(c)[0] == "qgjob-api"]
    annotations = MANIFESTS.get("Ingress", "qgjob-api").obj["metadata"]["annotations"]
    size = annotations["nginx.ingress.kubernetes.io/proxy-body-size"]
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", size.lower()).groups()
    limit = int(number) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit]
    assert limit >= _settings_of(api).build_max_bytes


# --- workers: drain and scaling ----------------------------------------------------------


def _worker_pods() -> dict[str, tuple[Pod, Obj]]:
    out = {}
    for pod, container in MANIFESTS.qgjob_containers():
        if pod.labels.get("app.kubernetes.io/component") == "worker":
            out[MANIFESTS.env(container)["QGJOB_TARGET"]] = (pod, container)
    return out


WORKERS = _worker_pods()


def test_there_is_a_worker_deployment_per_target() -> None:
    assert set(WORKERS) == {t.value for t in Target}


@pytest.mark.parametrize("target", sorted(WORKERS))
def test_grace_period_covers_the_workers_drain(target: str) -> None:
    pod, container = WORKERS[target]
    drain = float(MANIFESTS.env(container)["QGJOB_DRAIN_GRACE_S"])
    margin = pod.spec["terminationGracePeriodSeconds"] - drain
    assert DRAIN_MARGIN_S[0] <= margin <= DRAIN_MARGIN_S[1], (
        f"terminationGracePeriodSeconds must be QGJOB_DRAIN_GRACE_S ({drain:g}) plus "
        f"{DRAIN_MARGIN_S[0]}-{DRAIN_MARGIN_S[1]} s, is {margin:g} s more"
    )


def _redis_url() -> tuple[str, str, int, int]:
    """(password, host, port, database) of the QGJOB_REDIS_URL the services use."""
    url = MANIFESTS.secrets["qgjob-secrets"]["QGJOB_REDIS_URL"]
    match = re.fullmatch(r"redis://:([^@]+)@([^:/]+):(\d+)/(\d+)", url)
    assert match, url
    return match.group(1), match.group(2), int(match.group(3)), int(match.group(4))


def _service_address(address: str) -> tuple[Doc, Obj]:
    """The Service an in-cluster ``host:port`` names, and the Service port it uses."""
    host, _, number = address.rpartition(":")
    name, namespace, *domain = host.split(".")
    assert (namespace, domain) == (NAMESPACE, ["svc", "cluster", "local"]), host
    service = MANIFESTS.get("Service", name)
    ports = [p for p in service.obj["spec"]["ports"] if p["port"] == int(number)]
    assert ports, f"Service {name} has no port {number}"
    return service, ports[0]


@pytest.mark.parametrize("target", sorted(WORKERS))
def test_keda_reads_the_pending_count_of_the_targets_assignment_stream(target: str) -> None:
    """Each group of a target has one entry pending in its assignment stream's consumer
    group until it ends (waiting: the holding consumer's; held: its worker's): KEDA's
    redis-streams scaler reads that group's pending count, on the stream these workers read
    (the key prefix they use, their target), in the Redis and database they use."""
    pod, container = WORKERS[target]
    spec = scaled_object(MANIFESTS, pod.owner.name)
    assert spec["scaleTargetRef"].get("kind", "Deployment") == pod.owner.kind
    trigger = the_trigger(spec)
    assert trigger["type"] == "redis-streams"
    meta = trigger["metadata"]
    settings = _settings_of(container)
    assert settings.target.value == target
    assert meta["stream"] == Keys(settings.key_prefix).assign(target)
    assert meta["consumerGroup"] == WORKER_GROUP
    assert "lagCount" not in meta and "streamLength" not in meta, "the pending count, no other"
    service, port = _service_address(meta["address"])
    _, host, url_port, database = _redis_url()
    assert (service.name, port["port"]) == (host, url_port), "the Redis the workers use"
    assert int(meta.get("databaseIndex", 0)) == database
    (server,) = _pods_of({"matchLabels": service.obj["spec"]["selector"]})
    assert server.owner.name == "qgjob-redis"


@pytest.mark.parametrize("target", sorted(WORKERS))
def test_keda_logs_in_to_redis_with_the_password_of_the_services_url(target: str) -> None:
    """KEDA sends the Secret's key that holds the password of QGJOB_REDIS_URL (the one the
    Redis StatefulSet requires)."""
    pod, _ = WORKERS[target]
    trigger = the_trigger(scaled_object(MANIFESTS, pod.owner.name))
    auth = MANIFESTS.get("TriggerAuthentication", trigger["authenticationRef"]["name"])
    refs = {r["parameter"]: r for r in auth.obj["spec"]["secretTargetRef"]}
    assert set(refs) == {"password"}
    ref = refs["password"]
    password, *_ = _redis_url()
    assert MANIFESTS.secrets[ref["name"]][ref["key"]] == password
    redis = MANIFESTS.get("StatefulSet", "qgjob-redis").obj["spec"]["template"]["spec"]
    required = {
        (v["valueFrom"]["secretKeyRef"]["name"], v["valueFrom"]["secretKeyRef"]["key"])
        for c in redis["containers"]
        for v in c.get("env", [])
        if v["name"] == "REDIS_PASSWORD"
    }
    assert required == {(ref["name"], ref["key"])}


@pytest.mark.parametrize("target", sorted(WORKERS))
def test_keda_asks_for_one_worker_per_outstanding_group(target: str) -> None:
    """With an AverageValue target of one pending group per lane of a worker (its
    QGJOB_CAPACITY), KEDA asks for ceil(pending / capacity) workers, within the replica
    bounds, which it owns."""
    pod, container = WORKERS[target]
    spec = scaled_object(MANIFESTS, pod.owner.name)
    trigger = the_trigger(spec)
    assert trigger.get("metricType", "AverageValue") == "AverageValue"
    assert pending_target(trigger) == _settings_of(container).capacity
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
    assert "replicas" not in pod.owner.obj["spec"], "KEDA owns the replica count"
    assert [desired_replicas(spec, depth, 1) for depth in (0, 1, 2, 3)] == [
        max(spec["minReplicaCount"], min(spec["maxReplicaCount"], n)) for n in (1, 1, 2, 3)
    ]
    assert desired_replicas(spec, spec["maxReplicaCount"] + 5, 1) == spec["maxReplicaCount"]


# --- budgets and autoscalers point at real pods -------------------------------------------


def test_every_disruption_budget_selects_pods() -> None:
    budgets = MANIFESTS.of_kind("PodDisruptionBudget")
    for budget in budgets:
        assert _pods_of(budget.obj["spec"]["selector"]), budget.name
    covered = {p.owner.name for b in budgets for p in _pods_of(b.obj["spec"]["selector"])}
    services = {
        p.owner.name for p, _ in MANIFESTS.qgjob_containers() if p.owner.kind in WORKLOAD_KINDS
    }
    assert services <= covered


def test_deployment_selectors_match_their_own_pods_only() -> None:
    for doc in MANIFESTS.docs:
        if doc.kind in WORKLOAD_KINDS:
            selected = _pods_of(doc.obj["spec"]["selector"])
            assert [p.owner.name for p in selected] == [doc.name]


def test_api_autoscaler_targets_the_api() -> None:
    hpa = MANIFESTS.get("HorizontalPodAutoscaler", "qgjob-api").obj["spec"]
    target = _workload(hpa["scaleTargetRef"]["kind"], hpa["scaleTargetRef"]["name"])
    assert "replicas" not in target.obj["spec"], "the autoscaler owns the replica count"
    assert 2 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    container = target.obj["spec"]["template"]["spec"]["containers"][0]
    assert "cpu" in container["resources"]["requests"], "utilisation needs a CPU request"


# --- Redis ----------------------------------------------------------------------------------


def test_redis_keeps_an_append_only_file_on_a_volume() -> None:
    redis = MANIFESTS.get("StatefulSet", "qgjob-redis").obj["spec"]
    conf = dict(
        line.split(None, 1)
        for line in MANIFESTS.config_map("qgjob-redis")["redis.conf"].splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert conf["appendonly"] == "yes"
    assert conf["maxmemory-policy"] == "noeviction", "an evicted key is a lost job"
    container = redis["template"]["spec"]["containers"][0]
    data = next(m for m in container["volumeMounts"] if m["mountPath"] == conf["dir"])
    claim = next(t for t in redis["volumeClaimTemplates"] if t["metadata"]["name"] == data["name"])
    assert claim["spec"]["resources"]["requests"]["storage"]
    assert "--requirepass" in container["args"]


def test_redis_password_matches_the_url_the_services_use() -> None:
    secrets = MANIFESTS.secrets["qgjob-secrets"]
    match = re.fullmatch(r"redis://:([^@]+)@([^:/]+):(\d+)/\d+", secrets["QGJOB_REDIS_URL"])
    assert match, secrets["QGJOB_REDIS_URL"]
    assert match.group(1) == secrets["REDIS_PASSWORD"]
    service = MANIFESTS.get("Service", match.group(2)).obj["spec"]
    assert int(match.group(3)) == service["ports"][0]["port"]


# --- the edge -------------------------------------------------------------------------------


def test_ingress_serves_the_api_over_tls() -> None:
    ingress = MANIFESTS.get("Ingress", "qgjob-api").obj["spec"]
    tls_hosts = {h for t in ingress["tls"] for h in t["hosts"]}
    assert all(t["secretName"] for t in ingress["tls"])
    for rule in ingress["rules"]:
        assert rule["host"] in tls_hosts
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            service = MANIFESTS.get("Service", backend["name"]).obj["spec"]
            assert backend["port"]["name"] in {p["name"] for p in service["ports"]}
            assert _pods_of({"matchLabels": service["selector"]})[0].owner.name == "qgjob-api"


# --- network policies -----------------------------------------------------------------------

Peer = tuple[dict[str, str], dict[str, str]]
"""(namespace labels, pod labels) of a client."""

OUR_NAMESPACE = {"kubernetes.io/metadata.name": NAMESPACE}
OUTSIDE: Peer = ({"kubernetes.io/metadata.name": "ingress-nginx"}, {"app": "ingress-nginx"})
KEDA_OPERATOR: Peer = ({"kubernetes.io/metadata.name": "keda"}, {"app": "keda-operator"})
SUITE_JOB: Peer = (
    OUR_NAMESPACE,
    {"app.kubernetes.io/name": "qgjob", "app.kubernetes.io/component": "suite"},
)


def _port_matches(rule_port: Obj, port: Obj) -> bool:
    wanted = rule_port.get("port")
    return wanted is None or wanted in (port.get("name"), port["containerPort"])


def _peer_matches(peer: Obj, client: Peer) -> bool:
    ns_labels, pod_labels = client
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        if not _matches(peer["namespaceSelector"], ns_labels):
            return False
    elif ns_labels != OUR_NAMESPACE:
        return False
    return "podSelector" not in peer or _matches(peer["podSelector"], pod_labels)


def allowed(pod: Pod, port: Obj, client: Peer) -> bool:
    """Whether the network policies let ``client`` connect to ``port`` of ``pod``."""
    policies = [
        d.obj["spec"]
        for d in MANIFESTS.of_kind("NetworkPolicy")
        if "Ingress" in d.obj["spec"].get("policyTypes", ["Ingress"])
        and _matches(d.obj["spec"]["podSelector"], pod.labels)
    ]
    if not policies:
        return True
    for spec in policies:
        for rule in spec.get("ingress", []):
            peers = rule.get("from")
            ports = rule.get("ports")
            if (peers is None or any(_peer_matches(p, client) for p in peers)) and (
                ports is None or any(_port_matches(p, port) for p in ports)
            ):
                return True
    return False


def _ports(pod: Pod) -> list[Obj]:
    ports = [p for c in pod.containers() for p in c.get("ports", [])]
    return ports or [{"name": "any", "containerPort": 8080}]


def _peer_of(pod: Pod) -> Peer:
    return OUR_NAMESPACE, pod.labels


def test_every_pod_is_under_a_default_deny() -> None:
    for pod in PODS:
        assert not allowed(pod, {"name": "x", "containerPort": 9}, OUTSIDE), pod.owner.name


def test_only_the_api_is_reachable_from_outside() -> None:
    reachable = {p.owner.name for p in PODS if any(allowed(p, x, OUTSIDE) for x in _ports(p))}
    assert reachable == {"qgjob-api"}


PROMETHEUS: Peer = ({"kubernetes.io/metadata.name": "monitoring"}, {"app": "prometheus"})


def test_prometheus_reaches_the_metrics_port_of_schedulers_and_workers_only() -> None:
    reachable = {
        (p.owner.name, x["name"])
        for p in PODS
        for x in _ports(p)
        if allowed(p, x, PROMETHEUS) and x["name"] == "metrics"
    }
    expected = {
        "qgjob-scheduler",
        *(f"qgjob-worker-{t}" for t in ("emulator", "device", "browserstack")),
    }
    assert reachable == {(name, "metrics") for name in expected}
    redis = next(p for p in PODS if p.owner.name == "qgjob-redis")
    assert not any(allowed(redis, x, PROMETHEUS) for x in _ports(redis))


def test_only_qgjob_services_reach_redis() -> None:
    redis = MANIFESTS.get("StatefulSet", "qgjob-redis")
    pod = next(p for p in PODS if p.owner is redis)
    port = _ports(pod)[0]
    clients = {
        p.owner.name for p in PODS if p.owner is not redis and allowed(pod, port, _peer_of(p))
    }
    assert clients == {
        "qgjob-api",
        "qgjob-scheduler",
        "qgjob-worker-emulator",
        "qgjob-worker-device",
        "qgjob-worker-browserstack",
    }
    assert allowed(pod, port, KEDA_OPERATOR), "KEDA reads the assignment streams' pending counts"
    assert not allowed(pod, port, OUTSIDE)
    assert not allowed(pod, port, SUITE_JOB), "a suite-submitting job talks to the API only"


@pytest.mark.parametrize("target", sorted(WORKERS))
def test_keda_operator_reaches_the_redis_port_its_address_names(target: str) -> None:
    pod, _ = WORKERS[target]
    address = the_trigger(scaled_object(MANIFESTS, pod.owner.name))["metadata"]["address"]
    service, port = _service_address(address)
    (server,) = _pods_of({"matchLabels": service.obj["spec"]["selector"]})
    (container_port,) = [
        p for p in _ports(server) if _port_matches({"port": port["targetPort"]}, p)
    ]
    assert allowed(server, container_port, KEDA_OPERATOR)
    api = next(p for p in PODS if p.owner.name == "qgjob-api")
    assert not any(allowed(api, x, KEDA_OPERATOR) for x in _ports(api) if x["name"] != "http")


def test_redis_makes_no_connections() -> None:
    policy: Any = MANIFESTS.get("NetworkPolicy", "qgjob-redis").obj["spec"]
    assert "Egress" in policy["policyTypes"]
    assert policy.get("egress", []) == []
