"""Reading the Kubernetes manifests under ``deploy/k8s/`` the way the cluster would: the
documents of every file, the pods their workloads run, and the environment each container
gets from its ``env``, ConfigMaps and the generated Secret."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy" / "k8s"
KUSTOMIZATION = "kustomization.yaml"
IMAGE = "qgjob"
"""The image name the manifests use for every qgjob container (kustomize sets the real one)."""
PROBES = ("startupProbe", "livenessProbe", "readinessProbe")

Obj = dict[str, Any]


@dataclass(frozen=True)
class Doc:
    path: Path
    obj: Obj

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.obj.get("metadata", {}).get("name", ""))

    def __str__(self) -> str:
        return f"{self.path.name}: {self.kind}/{self.name}"


@dataclass(frozen=True)
class Pod:
    """The pod template of a workload (Deployment, StatefulSet, Job, CronJob, ...)."""

    owner: Doc
    spec: Obj
    labels: dict[str, str]

    def containers(self) -> list[Obj]:
        return [*self.spec.get("initContainers", []), *self.spec.get("containers", [])]


@dataclass
class Manifests:
    folder: Path
    docs: list[Doc]
    kustomization: Obj
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    """Secrets the kustomization generates, with the values of the committed example."""

    def of_kind(self, kind: str) -> list[Doc]:
        return [d for d in self.docs if d.kind == kind]

    def get(self, kind: str, name: str) -> Doc:
        found = [d for d in self.docs if d.kind == kind and d.name == name]
        assert found, f"no {kind}/{name} in {self.folder}"
        return found[0]

    def config_map(self, name: str) -> dict[str, str]:
        return {k: str(v) for k, v in self.get("ConfigMap", name).obj.get("data", {}).items()}

    def pods(self) -> Iterator[Pod]:
        for doc in self.docs:
            template = pod_template(doc.obj)
            if template is not None:
                labels = template.get("metadata", {}).get("labels", {})
                yield Pod(doc, template.get("spec", {}), labels)

    def qgjob_containers(self) -> Iterator[tuple[Pod, Obj]]:
        """The containers that run the qgjob image."""
        for pod in self.pods():
            for container in pod.containers():
                if container.get("image") == IMAGE:
                    yield pod, container

    def references(self) -> dict[str, set[str]]:
        """ConfigMaps and Secrets by name, with the keys something reads (``*``: all)."""
        used: dict[str, set[str]] = {}
        for pod in self.pods():
            for container in pod.containers():
                for source in container.get("envFrom", []):
                    ref = source.get("configMapRef") or source.get("secretRef")
                    used.setdefault(ref["name"], set()).add("*")
                for var in container.get("env", []):
                    value_from = var.get("valueFrom", {})
                    ref = value_from.get("configMapKeyRef") or value_from.get("secretKeyRef")
                    if ref:
                        used.setdefault(ref["name"], set()).add(ref["key"])
            for volume in pod.spec.get("volumes", []):
                if "configMap" in volume:
                    used.setdefault(volume["configMap"]["name"], set()).add("*")
        for auth in self.of_kind("TriggerAuthentication"):
            for ref in auth.obj["spec"].get("secretTargetRef", []):
                used.setdefault(ref["name"], set()).add(ref["key"])
        return used

    def env(self, container: Obj) -> dict[str, str]:
        """The environment variables the container gets, by name. Values from the Downward
        API read ``<fieldRef:...>``; a reference to a missing ConfigMap, Secret or key fails."""
        out: dict[str, str] = {}
        for source in container.get("envFrom", []):
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                data = self.config_map(source["configMapRef"]["name"])
            else:
                data = self._secret(source["secretRef"]["name"])
            out.update({prefix + k: v for k, v in data.items()})
        for var in container.get("env", []):
            out[var["name"]] = self._env_value(var)
        return out

    def _secret(self, name: str) -> dict[str, str]:
        if name in self.secrets:
            return self.secrets[name]
        doc = self.get("Secret", name)
        return {**doc.obj.get("stringData", {}), **doc.obj.get("data", {})}

    def _env_value(self, var: Obj) -> str:
        if "value" in var:
            return str(var["value"])
        ref = var["valueFrom"]
        if "configMapKeyRef" in ref:
            key = ref["configMapKeyRef"]
            data = self.config_map(key["name"])
        elif "secretKeyRef" in ref:
            key = ref["secretKeyRef"]
            data = self._secret(key["name"])
        else:
            return f"<fieldRef:{ref}>"
        assert key["key"] in data, f"{var['name']}: no key {key['key']} in {key['name']}"
        return data[key["key"]]


def pod_template(obj: Obj) -> Obj | None:
    kind = obj.get("kind")
    spec = obj.get("spec", {})
    if kind == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"):
        template: Obj = spec.get("template", {})
        return template
    if kind == "Pod":
        return obj
    return None


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines (kustomize's ``envs`` format); ``#`` lines are comments."""
    out: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value
    return out


def load(folder: Path = DEPLOY) -> Manifests:
    kustomization = yaml.safe_load((folder / KUSTOMIZATION).read_text())
    docs = [
        Doc(path, obj)
        for path in sorted(folder.glob("*.yaml"))
        if path.name != KUSTOMIZATION
        for obj in yaml.safe_load_all(path.read_text())
        if obj
    ]
    secrets = {}
    for generator in kustomization.get("secretGenerator", []):
        values: dict[str, str] = {}
        for env_file in generator.get("envs", []):
            values.update(read_env_file(folder / f"{env_file}.example"))
        secrets[generator["name"]] = values
    return Manifests(folder, docs, kustomization, secrets)


def dockerfile_instructions(path: Path, stage: str | None = None) -> list[tuple[str, str]]:
    """``(INSTRUCTION, rest)`` of a Dockerfile (continuation lines joined), of one stage
    (``FROM ... AS stage``) or of the last when ``stage`` is ``None``."""
    lines: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        lines.append(pending + raw)
        pending = ""
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    last = ""
    for line in filter(str.strip, lines):
        word, _, rest = line.strip().partition(" ")
        instruction = word.upper()
        if instruction == "FROM":
            parts = rest.split()
            last = parts[-1] if len(parts) >= 3 and parts[-2].upper() == "AS" else rest
            current = stages.setdefault(last, [])
        if current is not None:
            current.append((instruction, rest.strip()))
    return stages[stage if stage is not None else last]


def exec_form(rest: str) -> list[str]:
    """The argv of an ``ENTRYPOINT``/``CMD`` in exec (JSON) or shell form."""
    loaded = yaml.safe_load(rest) if rest.startswith("[") else None
    if isinstance(loaded, list):
        return [str(x) for x in loaded]
    return ["/bin/sh", "-c", *shlex.split(rest)]


@cache
def image_default(instruction: str) -> tuple[str, ...]:
    """The qgjob image's ``ENTRYPOINT`` or ``CMD`` (from the Dockerfile's last stage)."""
    for name, rest in dockerfile_instructions(ROOT / "Dockerfile"):
        if name == instruction:
            return tuple(exec_form(rest))
    return ()


def argv_of(container: Obj) -> list[str]:
    """The program and arguments a qgjob container runs: Kubernetes' ``command`` replaces the
    image's ENTRYPOINT and ``args`` its CMD; tini (the entrypoint) runs what follows ``--``."""
    command = container.get("command") or list(image_default("ENTRYPOINT"))
    if "args" in container:
        args = container["args"]
    else:
        args = [] if "command" in container else list(image_default("CMD"))
    argv = [*command, *args]
    return argv[2:] if argv[:2] == ["tini", "--"] else argv


def probe_commands(container: Obj) -> Iterator[tuple[str, list[str]]]:
    """(probe, argv) of the container's exec probes; they run without the entrypoint."""
    for probe in PROBES:
        if "exec" in container.get(probe, {}):
            yield probe, list(container[probe]["exec"]["command"])
