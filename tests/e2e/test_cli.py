"""The ``qgjob`` CLI against a live platform (API, scheduler and workers as processes on the
real Redis), as an org's CI would use it: every command, every exit code, every error."""

from __future__ import annotations

import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.cli import ADMIN_TOKEN, Live, one_line, org_token, start_platform
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    platform = start_platform(redis_url, tmp_path_factory.mktemp("cli-platform"))
    try:
        yield Live(platform, org_token(platform), tmp_path_factory.mktemp("config-home"))
    finally:
        platform.stop_all()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout of the team's tests, as the working directory."""
    for name in ("login", "checkout", "fail_search"):
        (tmp_path / "tests").mkdir(exist_ok=True)
        (tmp_path / "tests" / f"{name}.spec.js").write_text("// a test\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def junit_cases(path: Path) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in ET.parse(path).getroot().iter("testcase")}


def test_one_test_on_one_target_is_a_job_and_waits_to_exit_0(live: Live) -> None:
    done = live.cli("submit", "--app-version-id=v-job", "--test=tests/login.spec.js", "--wait")
    assert done.exit_code == 0, done.output
    job_id = done.stdout.splitlines()[0]
    assert live.api("GET", f"/v1/jobs/{job_id}")["status"] == "passed"
    assert done.stdout.splitlines()[1].startswith(f"job {job_id} passed: 1 passed of 1 job in")
    assert f"submitted job {job_id}: tests/login.spec.js on emulator, app v-job" in done.stderr
    assert "[1/1] passed  tests/login.spec.js  emulator" in done.stderr

    shown = live.cli("status", job_id)
    assert shown.exit_code == 0
    assert shown.stdout.splitlines()[0] == f"{job_id}  passed"
    assert "tests/login.spec.js  app v-job  on emulator  org acme  attempts 1/3" in shown.stdout
    as_json = live.cli("status", job_id, "--json")
    assert ET is not None and as_json.exit_code == 0
    assert __import__("json").loads(as_json.stdout) == live.api("GET", f"/v1/jobs/{job_id}")


def test_a_globbed_suite_with_one_failing_test_exits_10_with_a_junit_report(
    live: Live, repo: Path
) -> None:
    report = repo / "out" / "report.xml"
    done = live.cli(
        "submit",
        "--app-version-id=v-suite",
        "--test",
        "tests/*.spec.js",
        "--wait",
        "--junit",
        str(report),
    )
    assert done.exit_code == 10, done.output
    suite_id = done.stdout.splitlines()[0]
    assert suite_id.startswith("s")
    assert done.stdout.splitlines()[1].startswith(
        f"suite {suite_id} failed: 2 passed, 1 failed of 3 jobs"
    )
    assert "failed    tests/fail_search.spec.js  emulator" in done.stdout
    cases = junit_cases(report)
    assert sorted(cases) == [
        "tests/checkout.spec.js",
        "tests/fail_search.spec.js",
        "tests/login.spec.js",
    ]
    failure = cases["tests/fail_search.spec.js"].find("failure")
    assert failure is not None and failure.get("message")
    assert "tests/fail_search.spec.js" in cases["tests/fail_search.spec.js"].findtext(
        "system-out", ""
    )
    assert ET.parse(report).getroot().get("failures") == "1"

    # waiting again on a finished suite answers at once, live events or polling
    for extra in ([], ["--poll"]):
        again = live.cli("wait", suite_id, *extra)
        assert again.exit_code == 10, again.output
    listed = live.cli("list", "--suite", suite_id)
    assert listed.exit_code == 0
    assert len(listed.stdout.splitlines()) == 4  # header + 3 jobs

    retried = live.cli("retry", suite_id, "--wait")
    assert retried.exit_code == 10, retried.output
    new_suite = retried.stdout.splitlines()[0]
    assert new_suite != suite_id
    suite = live.api("GET", f"/v1/suites/{new_suite}")
    assert (suite["total"], suite["name"]) == (1, f"{suite_id} (retry)")


def test_dead_jobs_exit_20_unless_a_test_failed(live: Live) -> None:
    dead = live.cli(
        "submit",
        "--app-version-id=v-dead",
        "--test=tests/infra_net.spec.js",
        "--test=tests/ok.spec.js",
        "--max-attempts=1",
        "--wait",
    )
    assert dead.exit_code == 20, dead.output
    assert "did not complete: 1 passed, 1 dead of 2 jobs" in dead.stdout
    both = live.cli(
        "submit",
        "--app-version-id=v-dead2",
        "--test=tests/infra_net.spec.js",
        "--test=tests/fail_x.spec.js",
        "--max-attempts=1",
        "--wait",
    )
    assert both.exit_code == 10, both.output
    dead_job = next(
        line.split()[3].rstrip(":") for line in dead.stdout.splitlines() if "infra_net" in line
    )
    listed = live.cli("dlq", "list")
    assert listed.exit_code == 0
    row = next(line for line in listed.stdout.splitlines() if line.startswith(dead_job))
    assert row.split()[1:4] == ["tests/infra_net.spec.js", "attempts_exhausted", "1"]
    retried = live.cli("retry", dead_job, "--wait")  # requeued in place, dies again
    assert retried.exit_code == 20, retried.output
    assert retried.stdout.splitlines()[0] == dead_job
    assert f"requeued dead job {dead_job}" in retried.stderr
    requeued = live.cli("dlq", "requeue", dead_job)
    assert requeued.exit_code == 0
    assert requeued.stdout.split()[0] == dead_job


def test_timeout_exits_30_then_cancel_and_wait_exit_20(live: Live, tmp_path: Path) -> None:
    started = time.monotonic()
    report = tmp_path / "r.xml"
    hung = live.cli(
        "submit",
        "--app-version-id=v-hang",
        "--test=tests/hang_forever.spec.js",
        "--timeout=1s",
        f"--junit={report}",
    )
    assert hung.exit_code == 30, hung.output
    assert time.monotonic() - started < 8
    job_id = hung.stdout.splitlines()[0]
    assert "timed out after 1.0 s: 1 unfinished" in hung.stderr
    error = junit_cases(report)["tests/hang_forever.spec.js"].find("error")
    assert error is not None and error.get("type") == "unfinished"

    cancelled = live.cli("cancel", job_id)
    assert cancelled.exit_code == 0
    assert cancelled.stdout.split()[0] == job_id
    waited = live.cli("wait", job_id, "--timeout", "30")
    assert waited.exit_code == 20, waited.output
    assert f"job {job_id} did not complete: 1 cancelled" in waited.stdout
    again = live.cli("cancel", job_id)
    assert again.exit_code == 15
    assert one_line(again) == f"qgjob: error 409: job {job_id} is already cancelled"
    retried = live.cli("retry", job_id)  # a cancelled job runs again as a new job
    assert retried.exit_code == 0
    new_job = retried.stdout.strip()
    assert new_job != job_id
    assert live.cli("cancel", new_job).exit_code == 0


def test_a_flaky_pass_exits_0_and_is_noted_in_the_report(live: Live, tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    done = live.cli(
        "submit",
        "--app-version-id=v-flaky",
        "--test=tests/flaky_login.spec.js",
        "--flaky-retries=1",
        f"--junit={report}",
    )
    assert done.exit_code == 0, done.output
    assert "1 passed (1 flaky)" in done.stdout
    case = junit_cases(report)["tests/flaky_login.spec.js"]
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["flaky"] == "true"


def test_a_suite_file_with_flags_and_an_idempotency_key(live: Live, repo: Path) -> None:
    (repo / "suite.yaml").write_text(
        "name: nightly\napp_version_id: replaced\ntargets: [emulator, device]\n"
        "tests: ['tests/[lc]*.spec.js']\npriority: high\n"
    )
    args = ("submit", "-f", "suite.yaml", "--app-version-id=v-file", "--idempotency-key=k-1")
    first = live.cli(*args, "--json")
    assert first.exit_code == 0, first.output
    suite = __import__("json").loads(first.stdout)
    assert (suite["total"], suite["name"], suite["app_version_id"]) == (4, "nightly", "v-file")
    assert "4 jobs (2 tests × 2 targets), app v-file" in first.stderr
    second = live.cli(*args)
    assert second.exit_code == 0
    assert second.stdout.strip() == suite["id"]
    assert "already submitted with this idempotency key" in second.stderr
    waited = live.cli("wait", suite["id"], "--json")
    assert waited.exit_code == 0, waited.output
    final = __import__("json").loads(waited.stdout)
    # the dashboard link goes with the progress on stderr, once; stdout is the JSON alone
    assert waited.stderr.count(f"{live.url}{final['dashboard_path']}") == 1, waited.stderr
    assert final == live.api("GET", f"/v1/suites/{suite['id']}")
    assert final["passed"] is True
    jobs = [live.api("GET", f"/v1/jobs/{j}") for j in final["job_ids"]]
    assert {j["priority"] for j in jobs} == {"high"}


def test_read_commands_print_tables_and_the_apis_json(live: Live) -> None:
    done = live.cli("submit", "--app-version-id=v-read", "--test=tests/read.spec.js", "--wait")
    job_id = done.stdout.splitlines()[0]
    listed = live.cli("list", "--app-version-id=v-read", "--json")
    assert __import__("json").loads(listed.stdout) == live.api(
        "GET", "/v1/jobs", params={"app_version_id": "v-read", "limit": 20}
    )
    table = live.cli("list", "--app-version-id=v-read", "--status=passed")
    header, row = table.stdout.splitlines()
    assert header.split() == [
        "JOB", "STATUS", "TEST", "TARGET", "APP", "ATTEMPTS", "DURATION", "UPDATED"
    ]  # fmt: skip
    assert row.split()[:6] == [job_id, "passed", "tests/read.spec.js", "emulator", "v-read", "1/3"]
    run = live.api("GET", f"/v1/jobs/{job_id}")["result"]["total_s"]
    assert f"{run * 1000:.0f} ms" in row
    logs = live.cli("logs", job_id)
    assert logs.exit_code == 0
    assert "tests/read.spec.js: 1 passed" in logs.stdout
    assert live.cli("logs", job_id, "--tail=1").stdout == "tests/read.spec.js: 1 passed\n"

    stats = live.cli("stats", "--json")
    assert stats.exit_code == 0
    api_stats = live.api("GET", "/v1/stats")
    shown = __import__("json").loads(stats.stdout)
    assert shown.keys() == api_stats.keys()
    assert shown["installs_done"] == api_stats["installs_done"] > 0
    text = live.cli("stats").stdout
    assert f"{api_stats['installs_done']} done, {api_stats['installs_saved']} saved" in text
    assert "org            acme" in text
    health = live.cli("health", "--json")
    assert health.exit_code == 0
    assert __import__("json").loads(health.stdout) == {"status": "ready"}
    assert live.cli("health").stdout.startswith("ok: the API at")
    dlq = live.cli("dlq", "list", "--json")
    assert __import__("json").loads(dlq.stdout) == live.api("GET", "/v1/dead-letters")


def test_api_errors_are_one_line_with_exit_15(live: Live) -> None:
    bad_token = live.cli("status", "X1", QGJOB_TOKEN="not-a-token")
    assert bad_token.exit_code == 15
    assert one_line(bad_token).startswith(
        "qgjob: error 401: invalid or revoked token; set QGJOB_TOKEN"
    )
    other_org = live.cli("list", "--org-id=globex")
    assert other_org.exit_code == 15
    assert one_line(other_org) == "qgjob: error 403: this token acts for org acme, not globex"
    missing = live.cli("status", "NOSUCHJOB")
    assert missing.exit_code == 15
    assert one_line(missing) == "qgjob: error 404: no job or suite NOSUCHJOB"
    assert live.cli("wait", "NOSUCHJOB").exit_code == 15
    invalid = live.cli("list", "--app-version-id=bad id")
    assert invalid.exit_code == 15
    assert one_line(invalid).startswith("qgjob: error 422: invalid request: app_version_id")

    nowhere = f"http://127.0.0.1:{free_port()}"
    refused = live.cli("list", QGJOB_API_URL=nowhere)
    assert refused.exit_code == 15
    assert "cannot connect to the qgjob API" in one_line(refused)
    gave_up = live.cli("wait", "X1", QGJOB_API_URL=nowhere, QGJOB_RECONNECT_S="0.2")
    assert gave_up.exit_code == 15
    assert re.match(
        rf"qgjob: gave up after 0\.2 s without the API \(\d+ tries\): "
        rf"cannot connect to the qgjob API at {re.escape(nowhere)}",
        gave_up.stderr.splitlines()[-1],
    )
    assert gave_up.stderr.count("lost the API") == 1  # said once, not per retry
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        slow = live.cli("list", QGJOB_API_URL=url, QGJOB_REQUEST_TIMEOUT_S="0.3")
    assert slow.exit_code == 15
    assert one_line(slow) == f"qgjob: the qgjob API at {url} did not answer within 0.3 s"


def test_bad_arguments_exit_2(live: Live, repo: Path) -> None:
    nothing = live.cli("submit", "--app-version-id=v", "--test", "tests/**/*.spek.js")
    assert nothing.exit_code == 2
    assert "'tests/**/*.spek.js' matches no file" in one_line(nothing)
    no_tests = live.cli("submit", "--app-version-id=v")
    assert no_tests.exit_code == 2
    assert (
        one_line(no_tests)
        == "qgjob: nothing to run: give --test PATH (or -f SUITE_FILE with tests)"
    )
    no_version = live.cli("submit", "--test=a.js")
    assert no_version.exit_code == 2
    assert live.cli("submit", "--test=a.js", "--app-version-id=v", "--priority=asap").exit_code == 2
    assert live.cli("wait", "X", "--timeout=soon").exit_code == 2
    assert live.cli("submit", "-f", "missing.yaml").exit_code == 2
    assert live.cli("list", QGJOB_API_URL="ftp://nowhere").exit_code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        up = live.cli("up", "--port", str(port))
    assert up.exit_code == 2
    assert one_line(up) == (
        f"qgjob: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(another qgjob up? --port picks another)"
    )


def test_operators_make_and_revoke_tokens(live: Live) -> None:
    as_operator = {"QGJOB_ADMIN_TOKEN": ADMIN_TOKEN, "QGJOB_TOKEN": None}
    created = live.cli("admin", "token", "create", "--org-id=acme", "--name=ci", **as_operator)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    token_id = created.stderr.split()[2]
    listed = live.cli("admin", "token", "list", "--org-id=acme", "--json", **as_operator)
    assert token_id in {t["id"] for t in __import__("json").loads(listed.stdout)}
    assert token not in listed.stdout
    assert live.cli("list", QGJOB_TOKEN=token).exit_code == 0
    shown = live.cli("config", "show", QGJOB_TOKEN=token)
    assert token not in shown.stdout
    assert f"{token[:4]}…{token[-4:]}" in shown.stdout
    revoked = live.cli("admin", "token", "revoke", token_id, **as_operator)
    assert revoked.exit_code == 0
    assert live.cli("list", QGJOB_TOKEN=token).exit_code == 15
    not_operator = live.cli("admin", "token", "list")
    assert not_operator.exit_code == 15
    assert "error 403" in one_line(not_operator)


def test_wait_rides_out_an_api_crash(live: Live) -> None:
    """The wait reconnects to the API once it is back and resumes its events (Last-Event-ID)."""
    submitted = live.cli("submit", "--app-version-id=v-restart", "--test=tests/hang_x.spec.js")
    job_id = submitted.stdout.strip()
    outcome: list[Result] = []
    waiting = threading.Thread(
        target=lambda: outcome.append(live.cli("wait", job_id, "--timeout=60"))
    )
    waiting.start()
    try:
        wait_until(
            lambda: live.api("GET", f"/v1/jobs/{job_id}")["status"] == "running",
            timeout=20,
            what="the hung test to run",
        )
        live.platform.services["api"].kill()
        live.platform.start_api()
    finally:
        live.api("POST", f"/v1/jobs/{job_id}/cancel")
        waiting.join(30)
    (result,) = outcome
    assert result.exit_code == 20, result.output
    assert "lost the API" in result.stderr
    assert f"job {job_id} did not complete: 1 cancelled" in result.stdout
