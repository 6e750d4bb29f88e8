"""The real AppWright runner through real qgjob processes: jobs name the specs of
``examples/appwright`` and the worker runs ``npx appwright test {test_path} --project
{project}`` there. The device side is the fake adb (no Android device or SDK here): the
worker installs the build on it and gives its path to AppWright, whose specs that need no
``device`` run to real results, whose ``device`` fixture fails for want of the SDK, and
whose spec on Appium's fake driver taps and asserts through a real Appium server."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_adb_pipeline import TERMINAL, upload_with_cli
from tests.support.appwright import appium_servers, require_project, runner_env
from tests.support.browserstack_server import KEY, USER, FakeBrowserStack
from tests.support.devices import SERIAL, FakeAdb, group_alive, make_build
from tests.support.platform import Platform
from tests.support.processes import pid_alive
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def start(platform: Platform, root: Path, workers: dict[str, dict[str, str]]) -> None:
    """API, scheduler, and adb workers (``target-n``) running the real AppWright project."""
    project = require_project()
    shared = {
        "QGJOB_BUILD_STORE_DIR": str(root / "builds"),
        "QGJOB_ARTIFACT_DIR": str(root / "artifacts"),
    }
    platform.start_api_with(shared)
    platform.start_scheduler(env={"QGJOB_GROUP_MAX_SIZE": "3"})  # groups for each worker
    for name, extra in workers.items():
        target, n = name.rsplit("-", 1)
        adb = FakeAdb.install(root / name)
        platform.start_worker(
            target,
            int(n),
            env={
                **shared,
                **adb.env,
                **runner_env(root / name / "runner"),
                "QGJOB_DRIVER": "adb",
                "QGJOB_ADB_SERIAL": SERIAL,
                "QGJOB_TEST_WORKDIR": str(project),
                "QGJOB_BUILD_CACHE_DIR": str(root / name / "cache"),
                "QGJOB_RETRY_BASE_S": "0.1",
                "QGJOB_KILL_GRACE_S": "2",
                # a worker stopped mid-run (a failing test's teardown) stops its run before
                # the harness's SIGKILL, which would leave the run's process group behind
                "QGJOB_DRAIN_GRACE_S": "1",
                **extra,
            },
        )
    platform.wait_for_workers(list(workers))
    upload_with_cli(platform, make_build(root / "shop.apk", version="7.0.0"), "v7")


def wait_terminal(platform: Platform, client: httpx.Client, ids: list[str]) -> dict[str, Any]:
    """The jobs once all are terminal: each run of the runner takes seconds, and more on a
    loaded machine."""

    def done() -> dict[str, Any] | None:
        jobs = {jid: client.get(f"/v1/jobs/{jid}").json() for jid in ids}
        return jobs if all(j["status"] in TERMINAL for j in jobs.values()) else None

    try:
        return wait_until(done, timeout=240, interval=0.2, what="all jobs terminal")
    except AssertionError:
        print(platform.logs())
        raise


def submit(client: httpx.Client, path: str, target: str = "device", **extra: Any) -> str:
    body = {"org_id": "acme", "app_version_id": "v7", "test_path": path, "target": target}
    r = client.post("/v1/jobs", json={**body, **extra})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def artifacts(client: httpx.Client, job_id: str) -> set[str]:
    return {a["path"] for a in client.get(f"/v1/jobs/{job_id}/artifacts").json()}


def run_log(client: httpx.Client, job_id: str) -> str:
    """The log of the job's first run, without Playwright's colours."""
    r = client.get(f"/v1/jobs/{job_id}/artifacts/attempt-1/run-1/log.txt")
    assert r.status_code == 200, r.text
    return ANSI.sub("", r.text)


def test_outcomes_of_the_real_runner(platform: Platform, out_dir: Path) -> None:
    root = out_dir.absolute()
    bs_server, bs_url = (
        FakeBrowserStack().start()
    )  # the driver's uploads; AppWright's own go to BrowserStack
    browserstack = {
        "QGJOB_DRIVER": "browserstack",
        "QGJOB_BROWSERSTACK_API_URL": bs_url,
        "BROWSERSTACK_USERNAME": USER,
        "BROWSERSTACK_ACCESS_KEY": KEY,
    }
    # two device workers share the device jobs (each run of the runner takes seconds)
    workers = {"device-1": {}, "device-2": {}, "emulator-1": {"ANDROID_HOME": ""}}
    start(platform, root, {**workers, "browserstack-1": browserstack})
    with platform.client(timeout=10) as client:
        ids = {
            "no-device": submit(client, "tests/login.spec.ts", max_attempts=2),
            "passed": submit(client, "tests/cart.spec.ts"),
            "failed": submit(client, "tests/outcomes/failing.spec.ts"),
            "pw-retry": submit(client, "tests/outcomes/flaky-retry.spec.ts"),
            "rerun": submit(client, "tests/outcomes/flaky-rerun.spec.ts", flaky_retries=1),
            "fake-app": submit(client, "tests/appium/sign-in.spec.ts"),
            "no-sdk": submit(client, "tests/cart.spec.ts", target="emulator", max_attempts=2),
            "bs": submit(client, "tests/cart.spec.ts", target="browserstack", max_attempts=1),
        }
        jobs = wait_terminal(platform, client, list(ids.values()))
        got = {name: jobs[jid] for name, jid in ids.items()}
        files = {name: artifacts(client, jid) for name, jid in ids.items()}
        logs = {name: run_log(client, jid) for name, jid in ids.items()}
        dead = {d["job_id"]: d for d in client.get("/v1/dead-letters").json()}
    bs_server.shutdown()
    bs_server.server_close()

    def result(name: str) -> dict[str, Any]:
        return got[name]["result"]  # type: ignore[no-any-return]

    assert {n: j["status"] for n, j in got.items()} == {
        "no-device": "dead",
        "passed": "passed",
        "failed": "failed",
        "pw-retry": "passed",
        "rerun": "passed",
        "fake-app": "passed",
        "no-sdk": "dead",
        "bs": "dead",
    }
    # counts from Playwright's own JUnit report: two tests in cart.spec.ts
    assert result("passed")["counts"] == {"total": 2, "passed": 2, "failed": 0, "skipped": 0}
    assert (result("passed")["flaky"], result("passed")["runs"]) == (False, 1)
    # a failed assertion is a result, with Playwright's report, trace and the log
    assert result("failed")["message"] == "1 of 1 tests failed"
    assert result("failed")["counts"] == {"total": 1, "passed": 0, "failed": 1, "skipped": 0}
    assert "Expected: 4999\n    Received: 3999" in logs["failed"]
    trace = "attempt-1/run-1/output/outcomes-failing-the-cart-API-answers-the-cart-s-total-device"
    assert {
        "attempt-1/run-1/log.txt",
        "attempt-1/run-1/output/junit.xml",
        "attempt-1/run-1/output/report.json",
        f"{trace}/trace.zip",
    } <= files["failed"]
    # Playwright's retry passed it within one run; qgjob's rerun after a run that failed
    # twice (its retry included)
    assert (result("pw-retry")["flaky"], result("pw-retry")["runs"]) == (True, 1)
    assert result("pw-retry")["counts"]["passed"] == 1
    assert (result("rerun")["flaky"], result("rerun")["runs"]) == (True, 2)
    assert {"attempt-1/run-1/log.txt", "attempt-1/run-2/log.txt"} <= files["rerun"]
    # AppWright's Device tapped and asserted on the fake driver's app, through Appium
    assert result("fake-app")["counts"] == {"total": 1, "passed": 1, "failed": 0, "skipped": 0}
    # no device: infrastructure errors in AppWright's words, retried, then dead-lettered
    for name in ("no-device", "no-sdk"):
        assert got[name]["attempts"] == 2
        assert dead[ids[name]]["last_error"] == result(name)["message"]
    assert result("no-device")["message"].startswith(
        "a shopper signs in: the device could not be set up: Error: Error reading "
    )
    assert "/sdk/build-tools. Ensure it exists" in result("no-device")["message"]
    assert "Appium server is up and running" in logs["no-device"]
    wait_until(lambda: not appium_servers(), timeout=5, what="no Appium server left behind")
    assert result("no-sdk")["message"].startswith(
        "the test runner stopped before any test ran: Error: The ANDROID_HOME environment "
        "variable is not set."
    )
    # AppWright uploads the build to BrowserStack itself, at an address fixed in its code
    assert result("bs")["message"].startswith("the test runner stopped before any test ran: ")
    assert "https://api-cloud.browserstack.com/app-automate/upload" in result("bs")["message"]
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def hang_pids(root: Path, job_id: str) -> list[int]:
    """The pids the hanging spec wrote (Playwright's worker process and its child)."""
    path = root / "device-1" / "runner" / "state" / f"hang-{job_id}.pids"

    def written() -> list[int] | None:
        try:
            pids = [int(p) for p in path.read_text().split()]
        except (FileNotFoundError, ValueError):
            return None
        return pids if len(pids) == 2 else None

    return wait_until(written, timeout=30, what="the spec to write its pids")


def gone(group: int, pids: list[int]) -> None:
    """The whole process group is gone (SIGKILL is delivered, not waited for: a deadline)."""

    def none_left() -> bool:
        return not group_alive(group) and not any(pid_alive(p) for p in pids)

    wait_until(none_left, timeout=5, what=f"process group {group} to be gone")


def test_a_hanging_spec_is_killed_with_its_whole_process_tree(
    platform: Platform, out_dir: Path
) -> None:
    root = out_dir.absolute()
    # long enough for the runner to start on a loaded machine
    start(platform, root, {"device-1": {"QGJOB_RUN_TIMEOUT_S": "12"}})
    with platform.client(timeout=10) as client:
        # the run timeout
        timed_out = submit(client, "tests/outcomes/hangs.spec.ts", max_attempts=1)
        pids = hang_pids(root, timed_out)
        group = os.getpgid(pids[0])
        assert group != os.getpgid(0) and set(pids) <= set(group_alive(group))
        job = wait_terminal(platform, client, [timed_out])[timed_out]
        assert (job["status"], job["result"]["message"]) == ("dead", "timed out after 12s")
        gone(group, pids)
        # a cancel while the spec runs
        cancelled = submit(client, "tests/outcomes/hangs.spec.ts", max_attempts=1)
        pids = hang_pids(root, cancelled)
        group = os.getpgid(pids[0])
        assert client.post(f"/v1/jobs/{cancelled}/cancel").status_code == 200
        job = wait_terminal(platform, client, [cancelled])[cancelled]
        assert job["status"] == "cancelled"
        gone(group, pids)
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
