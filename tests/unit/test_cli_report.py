"""What ``qgjob wait`` makes of the jobs it followed: the exit code, the JUnit report, the
lines it prints; and how it reads an event stream."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from qgjob_cli import exit_codes, junit
from qgjob_cli.progress import PlainDisplay, RichDisplay
from qgjob_cli.sse import parse
from qgjob_cli.tracking import Tracked
from qgjob_cli.wait import exit_code, summary
from qgjob_schemas import Job, JobEvent, JobStatus, Suite

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def job(n: int, status: str, path: str = "", target: str = "emulator", **extra: Any) -> Job:
    data = {
        "id": f"J{n}",
        "org_id": "acme",
        "app_version_id": "b42",
        "test_path": path or f"tests/t{n}.spec.js",
        "priority": "normal",
        "target": target,
        "status": status,
        "max_attempts": 3,
        "attempts": 1,
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }
    return Job.model_validate(data)


def tracked(*jobs: Job) -> Tracked:
    suite = Suite(
        id="sX",
        org_id="acme",
        app_version_id="b42",
        name="nightly",
        targets=sorted({j.target for j in jobs}),
        total=len(jobs),
        created_at=NOW,
        counts={},
        finished=False,
        passed=False,
        job_ids=[j.id for j in jobs],
    )
    t = Tracked.of_suite(suite)
    t.read_all(list(jobs))
    return t


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        (["passed", "passed"], exit_codes.OK),
        (["passed", "failed"], exit_codes.TEST_FAILED),
        (["passed", "dead"], exit_codes.INFRA_FAILED),
        (["passed", "cancelled"], exit_codes.INFRA_FAILED),
        (["failed", "dead"], exit_codes.TEST_FAILED),
        (["running", "dead"], exit_codes.TIMED_OUT),
        (["running", "failed"], exit_codes.TEST_FAILED),
        (["queued", "passed"], exit_codes.TIMED_OUT),
    ],
)
def test_exit_code_a_failed_test_wins(statuses: list[str], code: int) -> None:
    assert exit_code(tracked(*[job(i, s) for i, s in enumerate(statuses)])) == code


def test_flaky_passes_pass() -> None:
    flaky = job(1, "passed", result={"outcome": "passed", "flaky": True, "runs": 2})
    t = tracked(flaky, job(2, "passed"))
    assert exit_code(t) == exit_codes.OK
    assert summary(t, 0, 3.0)[0] == "suite sX passed: 2 passed (1 flaky) of 2 jobs in 3.0 s"


def test_junit_report(tmp_path: Path) -> None:
    jobs = [
        job(1, "passed", "tests/login.spec.js", result={"outcome": "passed", "duration_s": 1.5}),
        job(
            2,
            "failed",
            "tests/search.spec.js",
            result={
                "outcome": "failed",
                "message": "expected <b> & \x1b[31mred\x1b[0m",
                "log_tail": "line 1\x00\x07\nline 2 \x1b[1mbold\x1b[0m\n",
            },
        ),
        job(3, "dead", "tests/pay.spec.js", attempts=3, error="device lost"),
        job(
            4,
            "passed",
            "tests/flaky.spec.js",
            target="device",
            result={"outcome": "passed", "flaky": True, "runs": 2},
        ),
        job(5, "running", "tests/slow.spec.js"),
        job(6, "cancelled", "tests/login.spec.js", target="device"),
    ]
    path = tmp_path / "reports" / "junit.xml"
    junit.write(path, tracked(*jobs), jobs)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "3")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"b42 on emulator", "b42 on device"}
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert len(cases) == 6
    failed = cases[("emulator", "tests/search.spec.js")]
    failure = failed.find("failure")
    assert failure is not None
    assert failure.get("message") == "expected <b> & red"
    assert failed.findtext("system-out") == "line 1\nline 2 bold\n"
    dead = cases[("emulator", "tests/pay.spec.js")].find("error")
    assert dead is not None
    assert (dead.get("type"), dead.get("message")) == (
        "dead",
        "dead after 3 attempt(s): device lost",
    )
    flaky = cases[("device", "tests/flaky.spec.js")]
    assert flaky.find("failure") is None and flaky.find("error") is None
    props = {p.get("name"): p.get("value") for p in flaky.iter("property")}
    assert props["flaky"] == "true" and props["runs"] == "2"
    assert flaky.findtext("system-out", "").startswith("flaky: passed after 2 runs")
    unfinished = cases[("emulator", "tests/slow.spec.js")].find("error")
    assert unfinished is not None and unfinished.get("type") == "unfinished"
    cancelled = cases[("device", "tests/login.spec.js")].find("error")
    assert cancelled is not None and cancelled.get("type") == "cancelled"
    assert cases[("emulator", "tests/login.spec.js")].get("time") == "1.500"


def test_event_stream_frames() -> None:
    text = (
        "retry: 2000\n\n"
        'event: snapshot\ndata: {"id": "s1"}\n\n'
        ": keep-alive\n\n"
        'id: 1-0\ndata: {"job_id": "J1",\ndata: "status": "running"}\n\n'
        "id: 2-0\ndata: not json\n\n"
        'id: 3-0\ndata: {"job_id": "J1"}\n'
    )
    frames = list(parse(text.split("\n")))
    assert [(f.id, f.event, f.data) for f in frames] == [
        (None, "snapshot", {"id": "s1"}),
        ("1-0", "message", {"job_id": "J1", "status": "running"}),
        ("3-0", "message", {"job_id": "J1"}),
    ]


def event(job_id: str, status: str, **extra: Any) -> JobEvent:
    return JobEvent.model_validate(
        {"id": "1-0", "job_id": job_id, "org_id": "acme", "status": status, "at": NOW, **extra}
    )


def test_plain_lines_for_finished_jobs_and_retries() -> None:
    out = io.StringIO()
    t = tracked(job(1, "running", "tests/a.spec.js"), job(2, "queued", "tests/b.spec.js"))
    display = PlainDisplay(out)
    display.start(t)
    for e in (event("J2", "running"), event("J1", "passed"), event("J2", "error", attempt=1)):
        t.apply(e)
        display.changed(t, e)
    lines = out.getvalue().splitlines()
    assert lines[0] == 'waiting for suite sX "nightly": 2 jobs of app b42 on emulator'
    assert lines[1] == "[1/2] passed  tests/a.spec.js  emulator"
    assert lines[2].startswith("[1/2] error   tests/b.spec.js  emulator (attempt 1 failed")
    assert len(lines) == 3


def test_progress_bar_on_a_terminal_shows_counts_by_status() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    t = tracked(job(1, "running"), job(2, "queued"), job(3, "queued"))
    display = RichDisplay(console)
    display.start(t)
    e = event("J1", "failed")
    t.apply(e)
    display.changed(t, e)
    display.stop()
    screen = out.getvalue()
    assert "1/3" in screen
    assert "1 failed · 2 queued" in screen
    assert "failed  tests/t1.spec.js  emulator" in screen
    assert t.status["J1"] is JobStatus.FAILED
