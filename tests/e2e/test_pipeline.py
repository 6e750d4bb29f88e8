"""The whole path as separate processes on a real Redis: submit, group, install once, run."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.platform import Platform
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
TERMINAL = {"passed", "failed", "dead", "cancelled"}


def submit(client: httpx.Client, app: str, target: str, paths: list[str]) -> dict[str, str]:
    expected = {}
    for path in paths:
        r = client.post(
            "/v1/jobs",
            json={"org_id": "qualgent", "app_version_id": app, "test_path": path, "target": target},
        )
        assert r.status_code == 201, r.text
        expected[r.json()["id"]] = "failed" if "fail" in path else "passed"
    return expected


def test_22_jobs_three_groups_three_installs(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    platform.start_api()
    platform.start_scheduler()
    for target in ("emulator", "device", "browserstack"):
        platform.start_worker(target)
    platform.wait_for_workers(["emulator-1", "device-1", "browserstack-1"])

    started = time.monotonic()
    with platform.client(timeout=10) as client:
        expected = submit(
            client,
            "A",
            "emulator",
            [f"tests/a{i}.spec.js" for i in range(10)]
            + ["tests/fail_a1.spec.js", "tests/fail_a2.spec.js"],
        )
        expected |= submit(client, "B", "emulator", [f"tests/b{i}.spec.js" for i in range(6)])
        expected |= submit(
            client,
            "A",
            "browserstack",
            [f"tests/bs{i}.spec.js" for i in range(3)] + ["tests/fail_bs.spec.js"],
        )
        assert len(expected) == 22

        def all_terminal() -> dict[str, dict[str, object]] | None:
            jobs = {jid: client.get(f"/v1/jobs/{jid}").json() for jid in expected}
            return jobs if all(j["status"] in TERMINAL for j in jobs.values()) else None

        try:
            jobs = wait_until(all_terminal, timeout=60, interval=0.1, what="all 22 jobs terminal")
        except AssertionError:
            print(platform.logs())
            raise
        elapsed = time.monotonic() - started
        stats = client.get("/v1/stats").json()

    assert {jid: j["status"] for jid, j in jobs.items()} == expected
    assert stats["installs_done"] == 3, stats
    assert stats["jobs_by_status"]["passed"] == 19 and stats["jobs_by_status"]["failed"] == 3
    groups = {(j["app_version_id"], j["target"], j["worker_id"]) for j in jobs.values()}
    assert groups == {
        ("A", "emulator", "emulator-1"),
        ("B", "emulator", "emulator-1"),
        ("A", "browserstack", "browserstack-1"),
    }
    with capsys.disabled():  # the figures a reader of the test run wants to see
        print(
            f"\ne2e: 22 jobs terminal in {elapsed:.2f}s, installs_done={stats['installs_done']}, "
            f"groups_formed={stats['groups_formed']}, installs_saved={stats['installs_saved']}"
        )
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
