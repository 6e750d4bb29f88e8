"""Every manifest under deploy/k8s/ is valid for the cluster, offline: Kubernetes' own kinds
against the schemas kubernetes-validate bundles (strict: an unknown field is an error, as a
misspelt one would be silently dropped), KEDA's kinds against our schema of the fields we
use, and the kustomization lists exactly the files that are there."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.support.manifests import DEPLOY, KUSTOMIZATION, Doc, load

MANIFESTS = load()
KUBERNETES_VERSIONS = ["1.27", kubernetes_validate.utils.latest_version()]
"""The oldest Kubernetes the manifests are written for, and the newest with bundled schemas."""
KEDA_KINDS = {"ScaledObject", "TriggerAuthentication"}
KEDA_SCHEMA = json.loads((Path(__file__).parent / "keda_schema.json").read_text())


def _ids(docs: list[Doc]) -> list[str]:
    return [str(d) for d in docs]


BUILTIN = [d for d in MANIFESTS.docs if d.kind not in KEDA_KINDS]
KEDA = [d for d in MANIFESTS.docs if d.kind in KEDA_KINDS]


def keda_errors(obj: dict[str, Any]) -> list[str]:
    """Errors of ``obj`` against the schema of its kind (so each names the field at fault,
    not only "valid under none of the kinds"); the whole schema for an unknown kind."""
    defs = KEDA_SCHEMA["$defs"]
    kind = obj.get("kind")
    schema = {"$ref": f"#/$defs/{kind}", "$defs": defs} if kind in defs else KEDA_SCHEMA
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)
    ]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("doc", BUILTIN, ids=_ids(BUILTIN))
def test_manifest_is_valid_for_kubernetes(doc: Doc, version: str) -> None:
    kubernetes_validate.validate(doc.obj, version, strict=True)


@pytest.mark.parametrize("doc", KEDA, ids=_ids(KEDA))
def test_keda_manifest_matches_the_keda_schema(doc: Doc) -> None:
    assert keda_errors(doc.obj) == []


def test_every_manifest_has_a_schema() -> None:
    """No kind slips through unchecked: each is Kubernetes' own or one of KEDA's."""
    for doc in BUILTIN:
        try:
            kubernetes_validate.validate(doc.obj, KUBERNETES_VERSIONS[-1], strict=True)
        except kubernetes_validate.utils.SchemaNotFoundError:
            pytest.fail(f"{doc}: no schema for {doc.obj.get('apiVersion')} {doc.kind}")
    assert {d.kind for d in KEDA} == KEDA_KINDS


def test_strict_validation_refuses_a_misspelt_field() -> None:
    deployment = copy.deepcopy(MANIFESTS.get("Deployment", "qgjob-api").obj)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessprobe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="readinessprobe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_keda_schema_refuses_misspelt_and_mistyped_fields() -> None:
    scaled = copy.deepcopy(MANIFESTS.of_kind("ScaledObject")[0].obj)
    scaled["spec"]["maxReplicas"] = scaled["spec"].pop("maxReplicaCount")
    assert any("maxReplicas" in e for e in keda_errors(scaled))
    scaled = copy.deepcopy(MANIFESTS.of_kind("ScaledObject")[0].obj)
    meta = scaled["spec"]["triggers"][0]["metadata"]
    meta["pendingEntriesCount"] = 1  # KEDA parses a string
    assert any("pendingEntriesCount" in e for e in keda_errors(scaled))
    meta["consumergroup"] = meta.pop("consumerGroup")
    assert any("consumergroup" in e for e in keda_errors(scaled))
    scaled = copy.deepcopy(MANIFESTS.of_kind("ScaledObject")[0].obj)
    del scaled["spec"]["triggers"][0]["metadata"]["address"]  # no server to ask
    assert keda_errors(scaled)
    scaled = copy.deepcopy(MANIFESTS.of_kind("ScaledObject")[0].obj)
    scaled["spec"]["triggers"][0]["type"] = "redis-stream"
    assert any("redis-stream" in e for e in keda_errors(scaled))


def test_kustomization_lists_every_manifest_file_and_only_those() -> None:
    listed = MANIFESTS.kustomization["resources"]
    files = sorted(p.name for p in DEPLOY.glob("*.yaml") if p.name != KUSTOMIZATION)
    assert sorted(listed) == files
    assert len(listed) == len(set(listed))


def test_kustomization_generates_its_secret_from_a_committed_example() -> None:
    """secrets.env itself is never committed; its example names every key."""
    for generator in MANIFESTS.kustomization["secretGenerator"]:
        for env_file in generator["envs"]:
            assert (DEPLOY / f"{env_file}.example").is_file()
            ignored = subprocess.run(
                ["git", "check-ignore", "-q", str(DEPLOY / env_file)], check=False
            )
            assert ignored.returncode == 0, f"{env_file} must be ignored by git"


def test_names_are_unique_per_kind() -> None:
    seen = [(d.kind, d.name) for d in MANIFESTS.docs]
    assert len(seen) == len(set(seen))


def test_every_file_is_plain_yaml_with_a_kind() -> None:
    for path in DEPLOY.glob("*.yaml"):
        for obj in yaml.safe_load_all(path.read_text()):
            assert obj is None or ("kind" in obj and "apiVersion" in obj), path.name


KUBECTL, KUSTOMIZE = shutil.which("kubectl"), shutil.which("kustomize")


@pytest.mark.skipif(not (KUBECTL or KUSTOMIZE), reason="neither kubectl nor kustomize is here")
def test_kustomize_builds_every_resource_into_the_namespace(tmp_path: Path) -> None:
    folder = tmp_path / "k8s"
    shutil.copytree(DEPLOY, folder)
    shutil.copy(folder / "secrets.env.example", folder / "secrets.env")
    argv = (
        [KUBECTL, "kustomize", str(folder)] if KUBECTL else [str(KUSTOMIZE), "build", str(folder)]
    )
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout
    built = [o for o in yaml.safe_load_all(out) if o]
    expected = {(d.kind, d.name) for d in MANIFESTS.docs} | {("Secret", "qgjob-secrets")}
    assert {(o["kind"], o["metadata"]["name"]) for o in built} == expected
    namespace = MANIFESTS.kustomization["namespace"]
    for obj in built:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace, obj["metadata"]["name"]
    images = {
        c["image"]
        for o in built
        if o["kind"] in ("Deployment", "StatefulSet")
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    image = MANIFESTS.kustomization["images"][0]
    assert f"{image['newName']}:{image['newTag']}" in images
