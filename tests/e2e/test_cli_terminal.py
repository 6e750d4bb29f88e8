"""``qgjob`` on a real terminal of 80 and 120 columns against a live platform (API,
scheduler and simulated workers as processes on the real Redis): what a user reads — the
live bar, wrapped lines, flaky passes, durations, tables — checked on the screen a terminal
emulator draws, and kept in test-output/ (``<test>/<name>-<columns>cols.txt``)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.cli import Live, org_token, start_platform
from tests.support.redis_server import free_port
from tests.support.terminal import Screen, run_on_terminal
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
WIDTHS = [80, 120]
LONG_INFRA = "tests/checkout/payments/infra_card_payment_with_three_d_secure.spec.js"
BAR_COUNT = re.compile(r"\b\d+/\d+\b")
ELAPSED = re.compile(r"\b\d:\d\d:\d\d\b")
SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def coloured(raw: bytes) -> bool:
    """Whether the output sets a colour (NO_COLOR allows bold and the like, not colours)."""
    return any(
        30 <= int(p) <= 49 or 90 <= int(p) <= 107
        for params in SGR.findall(raw)
        for p in params.split(b";")
        if p
    )


@pytest.fixture(scope="module")
def live(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    env = {"QGJOB_CAPACITY": "3", "QGJOB_SIM_TEST_MS": "100", "QGJOB_GROUP_LINGER_MS": "100"}
    platform = start_platform(redis_url, tmp_path_factory.mktemp("terminal-platform"), env)
    try:
        yield Live(platform, org_token(platform), tmp_path_factory.mktemp("config-home"))
    finally:
        platform.stop_all()


def on_terminal(live: Live, columns: int, *args: str, **env: str | None) -> Screen:
    return run_on_terminal(list(args), live.env(**env), columns=columns, timeout=90)


def joined(screen: Screen) -> str:
    """The screen's words in order: a word the terminal cut in two would show as two."""
    return " ".join(" ".join(screen.lines).split())


def bar_lines(screen: Screen) -> list[str]:
    return [line for frame in screen.frames for line in frame if "━" in line]


def shape(data: object) -> object:
    """The keys of a JSON document, nested (its values left out)."""
    if isinstance(data, dict):
        return {k: shape(v) for k, v in data.items()}
    if isinstance(data, list):
        return [shape(data[0])] if data else []
    return None


def suite_of(screen: Screen) -> str:
    """The suite id ``submit`` printed on a line of its own."""
    return next(line for line in screen.lines if re.fullmatch(r"s[0-9A-Z]{26}", line))


def cancel_suite(live: Live, suite_id: str) -> None:
    live.api("POST", f"/v1/suites/{suite_id}/cancel")


@pytest.mark.parametrize("columns", WIDTHS)
def test_submit_and_wait_reads_well_at_80_and_120_columns(
    live: Live, columns: int, out_dir: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    screen = on_terminal(
        live,
        columns,
        "submit",
        f"--app-version-id=term-{columns}",
        "--name=nightly-regression-suite",
        "--test=tests/login.spec.js",
        "--test=tests/fail_search.spec.js",
        "--test=tests/flaky_pay@300ms.spec.js",
        f"--test={LONG_INFRA}",
        "--flaky-retries=1",
        "--max-attempts=2",
        "--junit",
        str(report),
    )
    screen.keep(out_dir, "submit-wait")
    assert screen.exit_code == 10, screen.text
    suite_id = suite_of(screen)
    # the live bar: the count and the elapsed time, never the 26-character id
    bars = bar_lines(screen)
    assert bars, screen.text
    for line in bars:
        assert BAR_COUNT.search(line) and ELAPSED.search(line), line
        assert suite_id not in line
        assert len(line) <= columns
    # the retry line and the summary wrap between words
    words = joined(screen)
    assert (
        f"error {LONG_INFRA} emulator: simulated device connection lost "
        "(attempt 1 failed; it will be retried)"
    ) in words
    jobs = {
        j["test_path"]: j
        for j in live.api("GET", "/v1/jobs", params={"suite_id": suite_id})["items"]
    }
    flaky = jobs["tests/flaky_pay@300ms.spec.js"]
    assert flaky["flaky"] is True and flaky["status"] == "passed"
    total = flaky["result"]["total_s"]
    last = flaky["result"]["duration_s"]
    assert last >= 0.29 and abs(total - 2 * last) < 0.1  # two runs of about 300 ms each
    shown = f"{total:.1f} s (2 runs, last {last:.1f} s)" if total >= 1 else None
    shown = shown or f"{total * 1000:.0f} ms (2 runs, last {last * 1000:.0f} ms)"
    assert (
        f"flaky tests/flaky_pay@300ms.spec.js emulator {flaky['id']}: passed after 2 runs, {shown}"
    ) in words
    assert "(1 flaky)" in words
    # the suite's page in the dashboard, whole on one line: once as the wait starts (before
    # the first job line), once closing the summary
    link = live.url + live.api("GET", f"/v1/suites/{suite_id}")["dashboard_path"]
    assert link == f"{live.url}/ui/#/suites/{suite_id}"
    assert words.count(link) == 2, screen.text
    started = screen.lines.index(f"qgjob: dashboard {link}")
    verdict = next(i for i, line in enumerate(screen.lines) if "failed:" in line)
    first_done = next(i for i, line in enumerate(screen.lines) if line.startswith("[0/4]"))
    assert started < first_done < verdict
    assert screen.lines[-1] == f"  dashboard {link}"
    # the same duration in the JUnit report, with the flaky run as Surefire writes it
    cases = {c.get("name"): c for c in ET.parse(report).getroot().iter("testcase")}
    case = cases["tests/flaky_pay@300ms.spec.js"]
    assert case.get("time") == f"{total:.3f}"
    assert len(case.findall("flakyFailure")) == 1
    # and in status and list
    status = on_terminal(live, columns, "status", flaky["id"])
    status.keep(out_dir, "status-flaky")
    assert f"ran {shown}, flaky: passed after 2 runs" in joined(status)
    on_screen = on_terminal(live, columns, "list", "--suite", suite_id)
    on_screen.keep(out_dir, "list-suite")
    # one line a job, the full id in each, at 80 columns too: there a job's duration over
    # several runs is the short form (its total and the number of runs)
    assert len(on_screen.lines) == 1 + len(jobs), on_screen.text
    assert all(len(line) <= columns for line in on_screen.lines)
    assert on_screen.lines[0].split()[:3] == ["JOB", "STATUS", "TEST"]
    fitted = next(line for line in on_screen.lines if line.startswith(flaky["id"]))
    compact = shown.split(" (")[0] + " ×2"
    assert fitted.endswith(compact if columns < 100 else shown), fitted
    listed = live.cli("list", "--suite", suite_id).stdout.splitlines()  # rows unwrapped
    row = next(line for line in listed if flaky["id"] in line)
    assert "passed (flaky)" in row and shown in row
    plain_pass = next(line for line in listed if jobs["tests/login.spec.js"]["id"] in line)
    assert "flaky" not in plain_pass


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_timed_out_junit_report_marks_only_the_unfinished_job(
    live: Live, columns: int, out_dir: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    screen = on_terminal(
        live,
        columns,
        "submit",
        f"--app-version-id=timeout-{columns}",
        "--test=tests/login.spec.js",
        "--test=tests/hang.spec.js",
        "--timeout=8s",
        "--junit",
        str(report),
    )
    screen.keep(out_dir, "timeout")
    suite_id = suite_of(screen)
    try:
        assert screen.exit_code == 30, screen.text
        root = ET.parse(report).getroot()
        unfinished = {
            (c.get("classname"), c.get("name"))
            for c in root.iter("testcase")
            if (e := c.find("error")) is not None and e.get("type") == "unfinished"
        }
        assert unfinished == {("emulator", "tests/hang.spec.js")}
        assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("2", "1", "0")
        (passed,) = [c for c in root.iter("testcase") if c.get("name") == "tests/login.spec.js"]
        assert passed.find("error") is None and float(passed.get("time", "0")) > 0
    finally:
        cancel_suite(live, suite_id)


@pytest.mark.parametrize("columns", WIDTHS)
def test_cancel_a_suite_in_one_request_and_again(live: Live, columns: int, out_dir: Path) -> None:
    created = live.api(
        "POST",
        "/v1/suites",
        json={
            "app_version_id": f"cancel-{columns}",
            "tests": ["tests/login.spec.js", "tests/hang.spec.js", "tests/hang_two.spec.js"],
            "targets": ["device"],
        },
    )
    suite_id = created["id"]
    login = created["job_ids"][0]

    def settled() -> bool:
        jobs = {j: live.api("GET", f"/v1/jobs/{j}")["status"] for j in created["job_ids"]}
        return jobs[login] == "passed" and "running" in jobs.values()

    wait_until(settled, timeout=30, what="the first test passed and a hang runs")
    first = on_terminal(live, columns, "cancel", suite_id)
    first.keep(out_dir, "cancel")
    assert first.exit_code == 0, first.text
    said = re.search(
        rf"suite {suite_id}: cancelled (\d+) waiting jobs, stopping (\d+) running, "
        r"(\d+) already finished",
        joined(first),
    )
    assert said is not None, first.text
    waiting, stopping, finished = (int(n) for n in said.groups())
    # the scheduler may run both hangs at once (the worker has lanes to spare) or one by one
    assert (waiting + stopping, finished) == (2, 1) and stopping >= 1

    def all_ended() -> bool:
        return bool(live.api("GET", f"/v1/suites/{suite_id}")["finished"])

    wait_until(all_ended, timeout=30, what="the running hang stopped")
    again = on_terminal(live, columns, "cancel", suite_id)
    again.keep(out_dir, "cancel-again")
    assert again.exit_code == 0, again.text
    assert (
        f"suite {suite_id}: cancelled 0 waiting jobs, stopping 0 running, 3 already finished"
        in joined(again)
    )
    counts = live.api("GET", f"/v1/suites/{suite_id}")["counts"]
    assert counts == {"passed": 1, "cancelled": 2}
    # another org's token sees no such suite
    other = org_token(live.platform, "globex")
    refused = on_terminal(live, columns, "cancel", suite_id, QGJOB_TOKEN=other)
    assert refused.exit_code == 15
    assert f"error 404: suite {suite_id} not found" in joined(refused)


@pytest.mark.parametrize("columns", WIDTHS)
def test_logs_follow_prints_until_the_job_ends(live: Live, columns: int, out_dir: Path) -> None:
    job = live.api(
        "POST",
        "/v1/jobs",
        json={"app_version_id": f"logs-{columns}", "test_path": "tests/a@2s.spec.js"},
    )
    screen = on_terminal(live, columns, "logs", "--follow", job["id"])
    screen.keep(out_dir, "logs-follow")
    assert screen.exit_code == 0, screen.text
    words = joined(screen)
    assert "$ simulated run tests/a@2s.spec.js (attempt 1, run 1)" in words
    assert "tests/a@2s.spec.js: 1 passed" in words
    assert words.endswith(f"qgjob: job {job['id']} passed")
    assert live.api("GET", f"/v1/jobs/{job['id']}")["status"] == "passed"
    assert words.count("$ simulated run") == 1


@pytest.mark.parametrize("columns", WIDTHS)
def test_read_commands_print_tables_json_and_yaml(live: Live, columns: int, out_dir: Path) -> None:
    workers = on_terminal(live, columns, "workers")
    workers.keep(out_dir, "workers")
    assert workers.exit_code == 0, workers.text
    header = workers.lines[0]
    assert header.split() == [
        "WORKER",
        "TARGET",
        "STATE",
        "GROUP",
        "CAPACITY",
        "VERSIONS",
        "HEARTBEAT",
    ]
    starts = [header.index(h) for h in ("TARGET", "STATE", "CAPACITY")]
    for row in workers.lines[1:]:
        assert [row[s - 2 : s] for s in starts] == ["  "] * 3, row  # aligned columns
    for args in (
        ["workers"],
        ["stats"],
        ["health"],
        ["version"],
        ["list", "--limit", "3"],
        ["config", "show"],
    ):
        on_terminal(live, columns, *args, "-o", "yaml").keep(out_dir, f"{args[0]}-yaml")
        # the data itself read from a pipe, where no terminal wraps it
        as_yaml, as_json = live.cli(*args, "--output", "yaml"), live.cli(*args, "--json")
        assert as_yaml.exit_code == 0 and as_json.exit_code == 0, (args, as_yaml.output)
        loaded_yaml, loaded_json = yaml.safe_load(as_yaml.stdout), json.loads(as_json.stdout)
        if args[0] in ("workers", "stats", "list"):  # heartbeats and counts move on between
            assert type(loaded_yaml) is type(loaded_json), args
            assert shape(loaded_yaml) == shape(loaded_json), args
        else:
            assert loaded_yaml == loaded_json, args
    both = on_terminal(live, columns, "stats", "--json", "--output", "yaml")
    assert both.exit_code == 2
    assert "--json is short for --output json" in joined(both)
    version = on_terminal(live, columns, "version")
    version.keep(out_dir, "version")
    assert version.lines[0].split()[0:1] == ["client"] and version.lines[1].startswith("server  0.")


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_color_is_honoured(live: Live, columns: int, out_dir: Path) -> None:
    live.api(
        "POST", "/v1/jobs", json={"app_version_id": "colours", "test_path": "tests/fail_x.spec.js"}
    )
    in_colour = on_terminal(live, columns, "list", "--limit", "5")
    plain = on_terminal(live, columns, "list", "--limit", "5", NO_COLOR="1")
    plain.keep(out_dir, "list-no-color")
    assert coloured(in_colour.raw)
    assert not coloured(plain.raw)
    assert [r.split()[:2] for r in plain.lines] == [r.split()[:2] for r in in_colour.lines]
    # the live bar too (rich reads NO_COLOR itself)
    waited = on_terminal(
        live,
        columns,
        "submit",
        "--app-version-id=colours",
        "--test=tests/fail_y.spec.js",
        "--wait",
        NO_COLOR="1",
    )
    waited.keep(out_dir, "wait-no-color")
    assert waited.exit_code == 10 and not coloured(waited.raw), waited.raw


@pytest.mark.parametrize("columns", WIDTHS)
def test_wait_on_a_server_that_never_came_up_says_so_once(
    live: Live, columns: int, out_dir: Path
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    screen = on_terminal(
        live,
        columns,
        "wait",
        "01M8TQ4XNJJSFGBTJRESRRJPHA",
        QGJOB_API_URL=nowhere,
        QGJOB_RECONNECT_S="3",
    )
    screen.keep(out_dir, "wait-no-server")
    assert screen.exit_code == 15, screen.text
    words = joined(screen)
    assert words.count("lost the API") == 1
    assert words.startswith(f"qgjob: lost the API (cannot connect to the qgjob API at {nowhere}")
    assert "qgjob: gave up after 3 s without the API" in words
    assert len(screen.lines) <= 8, screen.text


def test_github_actions_step_summary_and_annotations(live: Live, tmp_path: Path) -> None:
    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("earlier steps' summary\n")
    done = live.cli(
        "submit",
        "--app-version-id=actions",
        "--test=tests/login.spec.js",
        "--test=tests/fail_search.spec.js",
        "--test=tests/flaky_pay.spec.js",
        "--flaky-retries=1",
        "--wait",
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary_file),
    )
    assert done.exit_code == 10, done.output
    suite_id = done.stdout.splitlines()[0]
    jobs = {
        j["test_path"]: j["id"]
        for j in live.api("GET", "/v1/jobs", params={"suite_id": suite_id})["items"]
    }
    assert (
        f"::error file=tests/fail_search.spec.js,title=qgjob%3A failed on emulator::"
        f"assertion failed (job {jobs['tests/fail_search.spec.js']})"
    ) in done.stdout.splitlines()
    assert (
        f"::warning file=tests/flaky_pay.spec.js,title=qgjob%3A flaky on emulator::"
        f"passed after 2 runs (job {jobs['tests/flaky_pay.spec.js']})"
    ) in done.stdout.splitlines()
    md = summary_file.read_text()
    assert md.startswith("earlier steps' summary\n")  # appended, never replaced
    assert f"### qgjob suite `{suite_id}`: failed" in md
    assert "| passed | failed | flaky | total |" in md and "| 2 | 1 | 1 | 3 |" in md
    assert (
        "| failed | `tests/fail_search.spec.js` | emulator | assertion failed | "
        f"`{jobs['tests/fail_search.spec.js']}` |"
    ) in md
    assert f"{live.url}/ui/#/suites/{suite_id}" in md
    # outside Actions nothing of the kind
    plain = live.cli("wait", suite_id, GITHUB_ACTIONS=None, GITHUB_STEP_SUMMARY=None)
    assert "::error" not in plain.stdout
