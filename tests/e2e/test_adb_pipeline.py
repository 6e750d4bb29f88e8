"""Real processes with the adb driver and a fake adb: builds uploaded through the CLI,
installed once per version, tests run by the test command, artifacts served by the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.devices import (
    PACKAGE,
    SERIAL,
    FakeAdb,
    make_build,
    make_test_repo,
    runner_command,
)
from tests.support.platform import Platform
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
TERMINAL = {"passed", "failed", "dead", "cancelled"}


def start(platform: Platform, root: Path) -> FakeAdb:
    adb = FakeAdb.install(root / "device")
    repo = make_test_repo(root / "tests-repo")
    shared = {
        "QGJOB_BUILD_STORE_DIR": str(root / "builds"),
        "QGJOB_ARTIFACT_DIR": str(root / "artifacts"),
    }
    platform.start_api_with(shared)
    platform.start_scheduler()
    platform.start_worker(
        "emulator",
        env={
            **shared,
            **adb.env,
            "QGJOB_DRIVER": "adb",
            "QGJOB_ADB_SERIAL": SERIAL,
            "QGJOB_TEST_COMMAND": runner_command(repo),
            "QGJOB_TEST_WORKDIR": str(repo),
            "QGJOB_BUILD_CACHE_DIR": str(root / "cache"),
            "QGJOB_HEALTH_INTERVAL_S": "0.2",
            "QGJOB_RETRY_BASE_S": "0.1",
        },
    )
    platform.wait_for_workers(["emulator-1"])
    return adb


def upload_with_cli(platform: Platform, apk: Path, version: str) -> str:
    env = {
        **os.environ,
        "QGJOB_API_URL": platform.api_url,
        "QGJOB_TOKEN": platform.env["QGJOB_ADMIN_TOKEN"],
    }
    argv = [sys.executable, "-m", "qgjob_cli", "app", "upload", "--app-version-id", version,
            "--org-id", "acme", "--package", PACKAGE, str(apk)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def submit(client: httpx.Client, version: str, paths: list[str]) -> list[str]:
    ids = []
    for path in paths:
        body = {"org_id": "acme", "app_version_id": version, "test_path": path}
        r = client.post("/v1/jobs", json=body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def wait_terminal(platform: Platform, client: httpx.Client, ids: list[str]) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        jobs = {jid: client.get(f"/v1/jobs/{jid}").json() for jid in ids}
        return jobs if all(j["status"] in TERMINAL for j in jobs.values()) else None

    try:
        return wait_until(done, timeout=90, interval=0.1, what="all jobs terminal")
    except AssertionError:
        print(platform.logs())
        raise


def test_ten_jobs_of_one_version_install_once(platform: Platform, out_dir: Path) -> None:
    adb = start(platform, out_dir.absolute())
    apk = make_build(out_dir / "shop-build-42.apk", version="4.2.0")
    assert "build-42" in upload_with_cli(platform, apk, "build-42")
    paths = [f"tests/t{i}.spec.js" for i in range(9)] + ["tests/fail_checkout.spec.js"]
    with platform.client(timeout=10) as client:
        ids = submit(client, "build-42", paths)
        jobs = wait_terminal(platform, client, ids)
        stats = client.get("/v1/stats").json()
        failed = next(j for j in jobs.values() if j["test_path"] == "tests/fail_checkout.spec.js")
        artifacts = client.get(f"/v1/jobs/{failed['id']}/artifacts").json()
        log = client.get(next(a["url"] for a in artifacts if a["path"].endswith("log.txt"))).text

    assert sorted(j["status"] for j in jobs.values()) == ["failed"] + ["passed"] * 9
    assert len(adb.installs()) == 1, adb.installs()
    assert adb.installs()[0][3:6] == ["-r", "-t", "-g"]
    assert stats["installs_done"] == 1
    assert failed["result"]["counts"] == {"total": 4, "passed": 2, "failed": 1, "skipped": 1}
    assert failed["result"]["message"] == "1 of 4 tests failed"
    assert {a["path"] for a in artifacts} == {
        "attempt-1/run-1/log.txt",
        "attempt-1/run-1/output/junit.xml",
        "attempt-1/run-1/output/screenshot.png",
    }
    assert f"running tests/fail_checkout.spec.js on {SERIAL}" in log
    print(f"e2e adb: 10 jobs, adb install calls={len(adb.installs())}, stats={stats}")
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def test_a_device_lost_mid_run_is_retried_once_it_is_back(
    platform: Platform, out_dir: Path
) -> None:
    adb = start(platform, out_dir.absolute())
    upload_with_cli(platform, make_build(out_dir / "shop.apk", version="5.0.0"), "v5")
    with platform.client(timeout=10) as client:
        ids = submit(client, "v5", ["tests/a.spec.js", "tests/unplug.spec.js", "tests/c.spec.js"])

        def unhealthy() -> bool:
            return platform.redis.hget(platform.keys.worker("emulator-1"), "state") == "unhealthy"

        wait_until(unhealthy, timeout=60, what="the worker to report its device not ready")
        states = {client.get(f"/v1/jobs/{j}").json()["status"] for j in ids[2:]}
        assert states <= {"scheduled", "queued"}  # no job ran while the device was away
        adb.update(state="device")
        jobs = wait_terminal(platform, client, ids)
    assert [jobs[j]["status"] for j in ids] == ["passed"] * 3
    assert [jobs[j]["attempts"] for j in ids] == [1, 2, 1]
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
