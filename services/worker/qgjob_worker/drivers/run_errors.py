"""A failed run that is not the test's fault, told from Playwright's JSON report.

AppWright's runner exits 1 for every kind of failure, so the exit code cannot tell a failed
assertion from a run that never reached the app. The JSON report can:

* errors of the run itself (``errors`` at the top) and no test that ran: the runner stopped
  before any test, e.g. AppWright's global set-up found no Android SDK, emulator or
  BrowserStack credentials, or the config does not load;
* a test that failed inside AppWright's own fixtures (their frames are in the error's stack):
  the ``device`` fixture could not start an Appium session or close it. A failed assertion
  or a tap on a missing element fails in the spec, not there.

Either is an infrastructure error (retried, then dead) with the runner's own words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPORT_NAME = "report.json"
"""Where qgjob asks Playwright's JSON reporter to write (``PLAYWRIGHT_JSON_OUTPUT_FILE``)."""
MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_MESSAGE_CHARS = 600
FIXTURE_FRAMES = ("/node_modules/appwright/dist/fixture/",)
"""Stack frames of AppWright's fixtures (``device`` and what it starts)."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def read_report(folder: Path) -> dict[str, Any] | None:
    """Playwright's JSON report in ``folder``, or ``None`` when there is none to read."""
    path = folder / REPORT_NAME
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            return None
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("stats"), dict):
        return None
    return data


def infrastructure_failure(report: dict[str, Any]) -> str | None:
    """Why the run could not test the app, in the runner's words; ``None`` when what
    failed is a test."""
    results = list(_final_results(report.get("suites")))
    errors = [e for e in report.get("errors") or [] if isinstance(e, dict)]
    if errors and not results:
        return "the test runner stopped before any test ran: " + _message(errors[0])
    for title, result in results:
        if result.get("status") in ("failed", "timedOut"):
            for error in _errors(result):
                if any(frame in str(error.get("stack", "")) for frame in FIXTURE_FRAMES):
                    return f"{title}: the device could not be set up: " + _message(error)
    return None


def flaky_tests(report: dict[str, Any]) -> int:
    """Tests that failed and then passed on Playwright's own retry."""
    flaky = report["stats"].get("flaky")
    return flaky if isinstance(flaky, int) else 0


def _final_results(suites: Any) -> Any:
    """``(title, last result)`` of every test that ran, through nested suites."""
    for suite in suites if isinstance(suites, list) else []:
        if not isinstance(suite, dict):
            continue
        for spec in suite.get("specs") or []:
            for test in spec.get("tests") or [] if isinstance(spec, dict) else []:
                results = test.get("results") if isinstance(test, dict) else None
                if isinstance(results, list) and results and isinstance(results[-1], dict):
                    yield str(spec.get("title", "")), results[-1]
        yield from _final_results(suite.get("suites"))


def _errors(result: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in result.get("errors") or [] if isinstance(e, dict)]
    if isinstance(result.get("error"), dict):
        found.append(result["error"])
    return found


def _message(error: dict[str, Any]) -> str:
    text = ANSI.sub("", str(error.get("message") or error.get("stack") or "unknown error"))
    first = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("at "))
    return " ".join(first.split())[:MAX_MESSAGE_CHARS]
