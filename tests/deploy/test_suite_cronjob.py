"""The nightly suite CronJob: it runs ``qgjob submit -f FILE --wait`` on a suite file the CLI
itself accepts, reaches the API's Service with an org token from the Secret, and stops
waiting before Kubernetes stops it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import typer.main

from qgjob_cli.main import app
from qgjob_cli.submit import build
from qgjob_cli.suitefile import load as load_suite
from tests.support.manifests import Doc, Obj, argv_of, load

MANIFESTS = load()
NAMESPACE = MANIFESTS.kustomization["namespace"]
SUITE_LABELS = {"app.kubernetes.io/name": "qgjob", "app.kubernetes.io/component": "suite"}


def cronjobs() -> list[Doc]:
    return MANIFESTS.of_kind("CronJob")


def container(doc: Doc) -> Obj:
    (only,) = doc.obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    return dict(only)


def submit_options(argv: list[str]) -> dict[str, object]:
    """The options of a ``qgjob submit`` command line, parsed by the real CLI."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("qgjob", argv[1:], resilient_parsing=True)
    sub = command.get_command(ctx, argv[1])
    sub_ctx = sub.make_context("submit", argv[2:], resilient_parsing=True)
    return dict(sub_ctx.params)


def test_there_is_a_nightly_suite_cronjob() -> None:
    (doc,) = cronjobs()
    assert doc.path.name in MANIFESTS.kustomization["resources"]
    template = doc.obj["spec"]["jobTemplate"]["spec"]["template"]
    assert SUITE_LABELS.items() <= template["metadata"]["labels"].items()
    assert SUITE_LABELS.items() <= doc.obj["metadata"]["labels"].items()
    assert doc.obj["spec"]["concurrencyPolicy"] == "Forbid"
    assert doc.obj["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0


@pytest.mark.parametrize("doc", cronjobs(), ids=str)
def test_it_submits_a_suite_file_the_cli_accepts_and_waits(doc: Doc, tmp_path: Path) -> None:
    c = container(doc)
    argv = argv_of(c)
    assert argv[:2] == ["qgjob", "submit"]
    options = submit_options(argv)
    assert options["wait"] is True
    suite_path = Path(str(options["suite_file"]))
    mount = next(m for m in c["volumeMounts"] if suite_path.is_relative_to(m["mountPath"]))
    volume = next(
        v
        for v in doc.obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"]
        if v["name"] == mount["name"]
    )
    text = MANIFESTS.config_map(volume["configMap"]["name"])[suite_path.name]
    (tmp_path / suite_path.name).write_text(text)
    fields = load_suite(tmp_path / suite_path.name)
    path, body = build(fields, as_suite=True)
    assert path == "/v1/suites"
    assert body["tests"] and body["app_version_id"]


@pytest.mark.parametrize("doc", cronjobs(), ids=str)
def test_it_stops_waiting_before_kubernetes_stops_it(doc: Doc) -> None:
    timeout = submit_options(argv_of(container(doc)))["timeout"]
    assert isinstance(timeout, float), "--timeout, parsed by the CLI into seconds"
    deadline = doc.obj["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"]
    assert 60 <= deadline - timeout <= 3600


@pytest.mark.parametrize("doc", cronjobs(), ids=str)
def test_it_reaches_the_api_service_with_an_org_token_from_the_secret(doc: Doc) -> None:
    c = container(doc)
    env = {v["name"]: v for v in c["env"]}
    url = urlparse(env["QGJOB_API_URL"]["value"])
    service_name, namespace = url.hostname.split(".")[:2]  # type: ignore[union-attr]
    assert namespace == NAMESPACE
    service = MANIFESTS.get("Service", service_name).obj["spec"]
    assert (url.port or 80) in {p["port"] for p in service["ports"]}
    assert service["selector"]["app.kubernetes.io/component"] == "api"
    secret = env["QGJOB_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert secret["key"] in MANIFESTS.secrets[secret["name"]]
    assert "memory" in c["resources"]["limits"]
