"""The whole path as separate processes on a Sentinel deployment, and a failover (SIGKILL of
the master, a replica promoted) in the middle of a run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from qgjob_store.codec import event_from_entry
from tests.support.platform import Platform
from tests.support.sentinel import SentinelSetup
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
TERMINAL = {"passed", "failed", "dead", "cancelled"}
ORG = "qualgent"


@pytest.fixture
def ha_platform(sentinel_setup: SentinelSetup, prefix: str, out_dir: Path) -> Iterator[Platform]:
    p = Platform(
        sentinel_setup.url,
        prefix,
        out_dir,
        env={"QGJOB_STORE_WAIT_REPLICAS": "1", "QGJOB_SIM_TEST_MS": "120"},
        inspect=sentinel_setup.master_client(),
    )
    try:
        yield p
    finally:
        p.stop_all()


def _start(platform: Platform) -> None:
    platform.start_api()
    platform.start_scheduler()
    platform.start_worker("emulator", 1)
    platform.start_worker("emulator", 2)
    platform.start_worker("browserstack", 1)
    platform.wait_for_workers(["emulator-1", "emulator-2", "browserstack-1"])


def _submit(client: httpx.Client, n: int) -> dict[str, str]:
    expected = {}
    for i in range(n):
        app, target = ("A", "emulator") if i % 3 else ("B", "browserstack")
        path = f"tests/fail_{i}.spec.js" if i % 7 == 0 else f"tests/t{i}.spec.js"
        body = {"org_id": ORG, "app_version_id": app, "test_path": path, "target": target}
        r = client.post("/v1/jobs", json=body)
        assert r.status_code == 201, r.text
        expected[r.json()["id"]] = "failed" if "fail" in path else "passed"
    return expected


def _statuses(platform: Platform, ids: list[str]) -> dict[str, str] | None:
    """Each job's status as stored, or ``None`` while the store is away."""
    try:
        return {j: platform.redis.hget(platform.keys.job(j), "status") or "" for j in ids}  # type: ignore[misc]
    except redis.RedisError:
        return None


def _history(platform: Platform) -> dict[str, list[str]]:
    """Every job's statuses in the order a client replaying the org's events sees them."""
    out: dict[str, list[str]] = {}
    for entry_id, fields in platform.redis.xrange(platform.keys.events(ORG)):  # type: ignore[union-attr]
        event = event_from_entry(entry_id, fields)  # as the API sends it
        out.setdefault(event.job_id, []).append(event.status.value)
    return out


def _check_outcome(platform: Platform, expected: dict[str, str]) -> None:
    statuses = _statuses(platform, list(expected))
    assert statuses == expected  # one terminal state per job, the one its test earns
    history = _history(platform)
    for job_id, final in expected.items():
        seen = history.get(job_id, [])
        terminal = [s for s in seen if s in TERMINAL]
        # replayed history ends in the stored state, and nothing follows a terminal event
        assert terminal == [final] and seen[-1] == final, (job_id, seen)


def test_pipeline_on_sentinel(ha_platform: Platform) -> None:
    _start(ha_platform)
    with ha_platform.client(timeout=10) as client:
        expected = _submit(client, 15)

        def done() -> bool:
            s = _statuses(ha_platform, list(expected))
            return bool(s) and all(v in TERMINAL for v in s.values())  # type: ignore[union-attr]

        try:
            wait_until(done, timeout=40, interval=0.1, what="all jobs terminal")
        except AssertionError:
            print(ha_platform.logs())
            raise
        assert {j: client.get(f"/v1/jobs/{j}").json()["status"] for j in expected} == expected
    _check_outcome(ha_platform, expected)
    codes = ha_platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def test_master_killed_mid_run(
    ha_platform: Platform, sentinel_setup: SentinelSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    _start(ha_platform)
    with ha_platform.client(timeout=10) as client:
        expected = _submit(client, 30)

        def some_done() -> bool:
            s = _statuses(ha_platform, list(expected)) or {}
            finished = sum(v in TERMINAL for v in s.values())
            return 3 <= finished < len(expected)

        wait_until(some_done, timeout=30, interval=0.02, what="a run under way")
        before = _statuses(ha_platform, list(expected)) or {}
        old = sentinel_setup.master.port
        killed_at = time.monotonic()
        promoted = sentinel_setup.kill_master()
        assert promoted.port != old
        promoted_after = time.monotonic() - killed_at

        def done() -> bool:
            s = _statuses(ha_platform, list(expected))
            return bool(s) and all(v in TERMINAL for v in s.values())  # type: ignore[union-attr]

        try:
            wait_until(done, timeout=60, interval=0.2, what="every job terminal after failover")
        except AssertionError:
            print(ha_platform.logs())
            raise

        def api_answers() -> dict[str, str] | None:
            try:
                got = {j: client.get(f"/v1/jobs/{j}").json().get("status") for j in expected}
            except httpx.HTTPError:
                return None
            return got if got == expected else None

        wait_until(api_answers, timeout=15, what="the API to read the new master")
        assert client.get("/readyz").status_code == 200
    _check_outcome(ha_platform, expected)
    assert all(svc.alive for svc in ha_platform.services.values())  # reconnected, not crashed
    with capsys.disabled():  # what the failover did to this run
        print(
            f"\nfailover: {sum(v in TERMINAL for v in before.values())}/{len(expected)} jobs "
            f"terminal at the kill, replica promoted {promoted_after:.1f}s later, "
            f"all terminal {time.monotonic() - killed_at:.1f}s after the kill"
        )
    codes = ha_platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
