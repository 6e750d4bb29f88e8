"""Test counts from the reports a test command writes: JUnit XML, or JSON (Playwright's
JSON reporter, Jest's, or plain ``{"total", "passed", "failed", "skipped"}``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from qgjob_schemas import TestCounts

MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_REPORTS = 50


def read_counts(folder: Path) -> TestCounts | None:
    """Counts from the JUnit reports under ``folder`` (added up), else from a JSON report;
    ``None`` when there is no report qgjob can read."""
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.rglob("*") if p.is_file())[: MAX_REPORTS * 4]
    small = [p for p in files if p.stat().st_size <= MAX_REPORT_BYTES]
    junit = [c for p in small if p.suffix == ".xml" and (c := junit_counts(p)) is not None]
    if junit:
        return _add(junit[:MAX_REPORTS])
    for path in small:
        if path.suffix == ".json" and (counts := json_counts(path)) is not None:
            return counts
    return None


def _add(parts: list[TestCounts]) -> TestCounts:
    return TestCounts(
        total=sum(c.total for c in parts),
        passed=sum(c.passed for c in parts),
        failed=sum(c.failed for c in parts),
        skipped=sum(c.skipped for c in parts),
    )


def junit_counts(path: Path) -> TestCounts | None:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    if root.tag not in ("testsuites", "testsuite"):
        return None
    total = failed = skipped = 0
    for case in root.iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
    return TestCounts(total=total, passed=total - failed - skipped, failed=failed, skipped=skipped)


def json_counts(path: Path) -> TestCounts | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, OSError):
        return None
    if not isinstance(data, dict):
        return None
    return _playwright(data) or _jest(data) or _plain(data)


def _ints(d: Any, *names: str) -> list[int] | None:
    if not isinstance(d, dict) or not all(isinstance(d.get(n), int) for n in names):
        return None
    return [int(d[n]) for n in names]


def _playwright(data: dict[str, Any]) -> TestCounts | None:
    v = _ints(data.get("stats"), "expected", "unexpected", "flaky", "skipped")
    if v is None:
        return None
    expected, unexpected, flaky, skipped = v
    total = expected + unexpected + flaky + skipped
    return TestCounts(total=total, passed=expected + flaky, failed=unexpected, skipped=skipped)


def _jest(data: dict[str, Any]) -> TestCounts | None:
    v = _ints(data, "numTotalTests", "numPassedTests", "numFailedTests", "numPendingTests")
    if v is None:
        return None
    return TestCounts(total=v[0], passed=v[1], failed=v[2], skipped=v[3])


def _plain(data: dict[str, Any]) -> TestCounts | None:
    v = _ints(data, "total", "passed", "failed")
    if v is None:
        return None
    skipped = data.get("skipped")
    return TestCounts(
        total=v[0], passed=v[1], failed=v[2], skipped=skipped if isinstance(skipped, int) else 0
    )
