"""The operations-as-code files under ``deploy/monitoring/``: the alert rules, their unit
tests, the Grafana dashboard, and the metric names their expressions read."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
RULES = MONITORING / "alerts.yml"
RULE_TESTS = MONITORING / "alerts.test.yml"
DASHBOARD = MONITORING / "grafana-dashboard.json"

_METRIC = re.compile(r"\bqgjob_[a-z0-9_]+")
_SUFFIXES = ("_bucket", "_count", "_sum")


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: `make ensure-promtool` installs Debian's prometheus")
    return found


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def metric_names(expr: str) -> set[str]:
    """The series names an expression reads (``qgjob_*``), histogram suffixes kept: a
    scrape must show ``…_bucket`` samples for a ``histogram_quantile``."""
    return set(_METRIC.findall(expr))


def every_metric_named() -> dict[str, set[str]]:
    """Each metric a panel or a rule names, with the panels and rules naming it."""
    out: dict[str, set[str]] = {}
    for rule in alert_rules():
        for name in metric_names(rule["expr"]):
            out.setdefault(name, set()).add(f"alert {rule['alert']}")
    panels = json.loads(DASHBOARD.read_text())["panels"]
    for panel in panels:
        for target in panel.get("targets", []):
            for name in metric_names(target["expr"]):
                out.setdefault(name, set()).add(f"panel {panel['title']!r}")
    return out


def family_of(sample_name: str) -> str:
    for suffix in _SUFFIXES:
        if sample_name.endswith(suffix):
            return sample_name.removesuffix(suffix)
    return sample_name
