"""Every qgjob container and probe runs a program that exists, with arguments its real parser
accepts, and gets only environment variables that program reads, with values its Settings
accept — so a renamed setting, flag or command breaks this test, not a deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qgjob_worker.drivers import find_factory
from qgjob_worker.main import _settings as worker_settings
from qgjob_worker.main import build_parser as worker_parser
from qgjob_worker.settings import WorkerSettings
from tests.support.commands import Resolved, check_argv, console_scripts
from tests.support.manifests import PROBES, Obj, Pod, argv_of, load, probe_commands
from tests.support.programs import (
    SETTINGS,
    build_settings,
    env_names,
    environment,
    readable,
    unread,
)

MANIFESTS = load()
CONTAINERS = list(MANIFESTS.qgjob_containers())
IDS = [f"{pod.owner.name}/{c['name']}" for pod, c in CONTAINERS]


def resolve(argv: list[str], env: dict[str, str]) -> Resolved:
    resolved = check_argv(argv, env)
    assert resolved.ok, resolved.problems
    return resolved


@pytest.mark.parametrize(("pod", "container"), CONTAINERS, ids=IDS)
def test_container_runs_a_real_program_with_real_arguments(pod: Pod, container: Obj) -> None:
    argv = argv_of(container)
    resolved = check_argv(argv, MANIFESTS.env(container))
    assert resolved.ok, f"{pod.owner}: {argv}: {resolved.problems}"


@pytest.mark.parametrize(("pod", "container"), CONTAINERS, ids=IDS)
def test_probes_run_real_programs_with_real_arguments(pod: Pod, container: Obj) -> None:
    for probe, argv in probe_commands(container):
        resolved = check_argv(argv, MANIFESTS.env(container))
        assert resolved.ok, f"{pod.owner} {probe}: {argv}: {resolved.problems}"


@pytest.mark.parametrize(("pod", "container"), CONTAINERS, ids=IDS)
def test_every_variable_set_is_read_by_the_program(pod: Pod, container: Obj) -> None:
    env = MANIFESTS.env(container)
    programs = [argv_of(container)] + [argv for _, argv in probe_commands(container)]
    for argv in programs:
        resolved = resolve(argv, env)
        assert unread(resolved, env) == [], f"{pod.owner}: {argv[0]} does not read these"


@pytest.mark.parametrize(("pod", "container"), CONTAINERS, ids=IDS)
def test_every_value_set_is_accepted_by_the_settings(pod: Pod, container: Obj) -> None:
    """The program's Settings validate the values (types, ranges, choices) as at start-up."""
    env = MANIFESTS.env(container)
    program = argv_of(container)[0]
    read = readable(resolve(argv_of(container), env))
    settings = build_settings(program, {k: v for k, v in env.items() if k in read})
    if isinstance(settings, WorkerSettings):
        find_factory(settings.driver)  # the driver named in QGJOB_DRIVER is installed


def test_a_bad_value_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="port"):
        build_settings("qgjob-api", {"QGJOB_PORT": "eighty"})


def test_a_variable_no_program_reads_is_reported() -> None:
    resolved = resolve(["qgjob-worker"], {})
    assert unread(resolved, {"QGJOB_TARGET": "device", "QGJOB_WROKER_ID": "x"}) == [
        "QGJOB_WROKER_ID"
    ]
    # the API's settings do not concern a worker
    assert unread(resolved, {"QGJOB_PORT": "8080"}) == ["QGJOB_PORT"]


def test_aliased_settings_are_read_under_their_aliases() -> None:
    names = env_names(WorkerSettings)
    assert {"BROWSERSTACK_USERNAME", "QGJOB_BROWSERSTACK_USERNAME"} <= names
    assert "QGJOB_TARGET" in names


def test_every_console_script_has_its_settings() -> None:
    assert set(SETTINGS) == set(console_scripts())


def test_every_config_map_and_secret_key_reaches_a_container() -> None:
    used = MANIFESTS.references()
    for doc in MANIFESTS.of_kind("ConfigMap"):
        assert doc.name in used, f"ConfigMap {doc.name} is used by nothing"
    for name, values in MANIFESTS.secrets.items():
        keys = used.get(name, set())
        assert "*" in keys or set(values) <= keys, f"unused keys of {name}: {set(values) - keys}"


def test_worker_probe_checks_the_worker_the_container_runs() -> None:
    """``qgjob-worker --check`` does not see the container's args: it must resolve the same
    worker id (<target>-<pod name>) from the environment alone."""
    workers = [(p, c) for p, c in CONTAINERS if argv_of(c)[0] == "qgjob-worker"]
    assert {p.owner.name for p, _ in workers} == {
        "qgjob-worker-emulator",
        "qgjob-worker-device",
        "qgjob-worker-browserstack",
    }
    for pod, container in workers:
        env = MANIFESTS.env(container)
        with environment({k: v for k, v in env.items() if k.startswith("QGJOB_")}):
            main = worker_settings(worker_parser().parse_args(argv_of(container)[1:]))
            for probe, argv in probe_commands(container):
                check = worker_settings(worker_parser().parse_args(argv[1:]))
                assert check.resolved_id("pod-1") == main.resolved_id("pod-1"), probe
        assert main.target.value == pod.labels["qgjob.dev/target"]
        assert pod.owner.name == f"qgjob-worker-{main.target.value}"


def test_the_worker_id_trap_is_caught() -> None:
    """Had a worker set its target with --target only, the probe would check another id."""
    with environment({}):
        main = worker_settings(worker_parser().parse_args(["--target", "device"]))
        probe = worker_settings(worker_parser().parse_args(["--check"]))
    assert main.resolved_id("pod-1") != probe.resolved_id("pod-1")


def test_api_listens_where_its_probes_and_service_look() -> None:
    pod, container = next((p, c) for p, c in CONTAINERS if argv_of(c)[0] == "qgjob-api")
    settings: Any = build_settings("qgjob-api", MANIFESTS.env(container))
    assert settings.host == "0.0.0.0"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == settings.port
    for probe in PROBES:
        assert container[probe]["httpGet"]["port"] in ("http", settings.port)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    service = MANIFESTS.get("Service", "qgjob-api").obj["spec"]
    assert service["ports"][0]["targetPort"] in ports
    assert all(pod.labels.get(k) == v for k, v in service["selector"].items())


def test_scheduler_probe_reads_the_file_the_scheduler_writes() -> None:
    _, container = next((p, c) for p, c in CONTAINERS if argv_of(c)[0] == "qgjob-scheduler")
    settings: Any = build_settings("qgjob-scheduler", MANIFESTS.env(container))
    assert settings.alive_file, "without QGJOB_ALIVE_FILE the probe always fails"
    mounts = [m["mountPath"] for m in container["volumeMounts"]]
    assert any(Path(settings.alive_file).is_relative_to(m) for m in mounts), (
        "the file must be on a writable volume (the root file system is read-only)"
    )
    for probe in PROBES:
        assert container[probe]["exec"]["command"] == ["qgjob-scheduler", "--check"]
        assert container[probe]["periodSeconds"] <= settings.alive_max_age_s
