"""deploy/monitoring/: the alert rules pass promtool's checks and their unit tests, every
alert is tested firing and quiet and has a runbook section, the dashboard's queries parse,
and the Prometheus Operator objects select the pods that serve metrics."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.support.manifests import load
from tests.support.monitoring import (
    MONITORING,
    ROOT,
    RULE_TESTS,
    RULES,
    alert_rules,
    dashboard_exprs,
    promtool,
)


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *map(str, args)],
        cwd=MONITORING,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_promtool_check_rules() -> None:
    done = _promtool("check", "rules", RULES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in done.stdout


def test_promtool_unit_tests_of_the_alerts_pass() -> None:
    done = _promtool("test", "rules", RULE_TESTS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_unit_tests_fail_when_an_alert_is_broken(tmp_path: Path) -> None:
    """The unit tests would notice: with the dead-letter alert's expression never true,
    they fail naming it."""
    rules = RULES.read_text().replace(
        "max(increase(qgjob_dead_letters_total[15m])) > 0",
        "max(increase(qgjob_dead_letters_total[15m])) > 1e9",
    )
    (tmp_path / "alerts.yml").write_text(rules)
    (tmp_path / "alerts.test.yml").write_text(RULE_TESTS.read_text())
    done = subprocess.run(
        [promtool(), "test", "rules", "alerts.test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "QgjobDeadLettersGrowing" in done.stdout + done.stderr


def _cases() -> list[dict[str, Any]]:
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    return [case for test in tests for case in test.get("alert_rule_test", [])]


def test_every_alert_is_tested_firing_and_quiet() -> None:
    cases = _cases()
    for rule in alert_rules():
        name = rule["alert"]
        mine = [c for c in cases if c["alertname"] == name]
        assert any(c.get("exp_alerts") for c in mine), f"{name}: no case where it fires"
        assert any(not c.get("exp_alerts") for c in mine), f"{name}: no case where it must not"


def _slugs(markdown: str) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.M)
    return {re.sub(r"[^a-z0-9_ -]", "", h.lower()).strip().replace(" ", "-") for h in headings}


def test_every_alert_has_a_runbook_section_in_the_operations_page() -> None:
    slugs = _slugs((ROOT / "docs" / "operations.md").read_text())
    for rule in alert_rules():
        page, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert page == "docs/operations.md"
        assert anchor == rule["alert"].lower() and anchor in slugs, rule["alert"]


def test_the_prometheus_rule_object_holds_the_same_rules() -> None:
    wrapped = yaml.safe_load((MONITORING / "prometheusrule.yaml").read_text())
    assert wrapped["kind"] == "PrometheusRule"
    assert wrapped["spec"]["groups"] == yaml.safe_load(RULES.read_text())["groups"]


def test_every_dashboard_query_parses(tmp_path: Path) -> None:
    """promtool parses PromQL only inside rules: each panel query becomes a recording rule."""
    exprs = dashboard_exprs()
    assert len(exprs) >= 10
    rules = {"groups": [{"name": "dashboard", "rules": []}]}
    for i, expr in enumerate(exprs):
        rules["groups"][0]["rules"].append({"record": f"dashboard:query_{i}", "expr": expr})
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump(rules))
    done = _promtool("check", "rules", path)
    assert done.returncode == 0, done.stdout + done.stderr


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    return all(labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", []))


def test_the_service_monitor_scrapes_the_api_service() -> None:
    monitor = yaml.safe_load((MONITORING / "servicemonitor.yaml").read_text())
    manifests = load()
    services = [
        d
        for d in manifests.of_kind("Service")
        if _matches(monitor["spec"]["selector"], d.obj["metadata"]["labels"])
    ]
    assert [s.name for s in services] == ["qgjob-api"]
    ports = {p["name"] for p in services[0].obj["spec"]["ports"]}
    assert {e["port"] for e in monitor["spec"]["endpoints"]} <= ports
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"


def test_the_pod_monitor_scrapes_schedulers_and_workers_on_their_metrics_port() -> None:
    monitor = yaml.safe_load((MONITORING / "podmonitor.yaml").read_text())
    manifests = load()
    picked = [p for p in manifests.pods() if _matches(monitor["spec"]["selector"], p.labels)]
    assert {p.owner.name for p in picked} == {
        "qgjob-scheduler",
        "qgjob-worker-emulator",
        "qgjob-worker-device",
        "qgjob-worker-browserstack",
    }
    for pod in picked:
        (container,) = [c for c in pod.containers() if c["name"] in ("scheduler", "worker")]
        (port,) = [p for p in container["ports"] if p["name"] == "metrics"]
        assert str(port["containerPort"]) == manifests.env(container)["QGJOB_METRICS_PORT"]
