"""Telling a run that never tested the app from a failed test, in Playwright's JSON report
(the shapes are those Playwright 1.49 writes; the e2e tests run the real runner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qgjob_worker.drivers.run_errors import flaky_tests, infrastructure_failure, read_report

FIXTURE_STACK = (
    "Error: Error reading /sdk/build-tools.\n"
    "    at getApkDetails (/repo/node_modules/appwright/dist/providers/appium.js:233:31)\n"
    "    at Object.device (/repo/node_modules/appwright/dist/fixture/index.js:12:24)"
)
SPEC_STACK = "Error: expect(received).toBe(expected)\n    at /repo/tests/cart.spec.ts:16:46"


def report(*results: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    specs = [{"title": f"t{i}", "tests": [{"results": [r]}]} for i, r in enumerate(results)]
    return {
        "suites": [{"title": "a.spec.ts", "specs": [], "suites": [{"specs": specs}]}],
        "errors": errors or [],
        "stats": {"expected": 0, "unexpected": len(results), "flaky": 0, "skipped": 0},
    }


def failed(stack: str) -> dict[str, Any]:
    error = {"message": stack.splitlines()[0], "stack": stack}
    return {"status": "failed", "error": error, "errors": [error]}


def test_errors_before_any_test_ran() -> None:
    error = {"message": "Error: \x1b[31mThe ANDROID_HOME environment variable is not set.\x1b[39m"}
    assert infrastructure_failure(report(errors=[error])) == (
        "the test runner stopped before any test ran: Error: The ANDROID_HOME environment "
        "variable is not set."
    )


def test_a_failure_in_the_device_fixture_in_a_nested_suite() -> None:
    got = infrastructure_failure(report({"status": "passed"}, failed(FIXTURE_STACK)))
    assert got == "t1: the device could not be set up: Error: Error reading /sdk/build-tools."


def test_a_failed_assertion_is_the_test() -> None:
    assert infrastructure_failure(report(failed(SPEC_STACK))) is None
    # a run error after tests ran (e.g. in teardown) does not hide the tests' result
    assert infrastructure_failure(report(failed(SPEC_STACK), errors=[{"message": "x"}])) is None


def test_flaky_count_and_unreadable_reports(tmp_path: Path) -> None:
    assert flaky_tests({"stats": {"flaky": 2}}) == 2
    assert flaky_tests({"stats": {"flaky": "2"}}) == 0
    assert read_report(tmp_path) is None
    (tmp_path / "report.json").write_text("{not json")
    assert read_report(tmp_path) is None
    (tmp_path / "report.json").write_text(json.dumps({"numTotalTests": 3}))
    assert read_report(tmp_path) is None
    (tmp_path / "report.json").write_text(json.dumps(report(failed(SPEC_STACK))))
    assert read_report(tmp_path) == report(failed(SPEC_STACK))
    odd = {"suites": [None, {"specs": [None, {"tests": [{"results": "x"}]}]}], "stats": {}}
    assert infrastructure_failure(odd) is None
