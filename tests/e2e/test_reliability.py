"""Faults against real processes: SIGTERM drain, SIGKILL and lease takeover, Redis outage."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.support.platform import Platform
from tests.support.processes import python_module
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


def submit(client: httpx.Client, paths: list[str], app: str = "A") -> list[str]:
    ids = []
    for path in paths:
        r = client.post(
            "/v1/jobs", json={"org_id": "org1", "app_version_id": app, "test_path": path}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def job(client: httpx.Client, jid: str) -> dict[str, object]:
    data: dict[str, object] = client.get(f"/v1/jobs/{jid}").json()
    return data


def wait_jobs(
    client: httpx.Client, ids: list[str], statuses: set[str], timeout: float = 30
) -> list[dict[str, object]]:
    def reached() -> list[dict[str, object]] | None:
        jobs = [job(client, j) for j in ids]
        return jobs if all(j["status"] in statuses for j in jobs) else None

    return wait_until(reached, timeout=timeout, interval=0.1, what=f"{ids} to be {statuses}")


def test_sigterm_finishes_the_running_test_and_hands_the_rest_over(platform: Platform) -> None:
    slow = {"QGJOB_SIM_TEST_MS": "1500", "QGJOB_LEASE_MS": "60000"}
    platform.start_api()
    platform.start_scheduler(env={"QGJOB_SPLIT_GROUPS": "false"})  # only the drain moves work
    first = platform.start_worker("emulator", 1, slow)
    platform.wait_for_workers(["emulator-1"])
    with platform.client(timeout=10) as client:
        ids = submit(client, [f"tests/t{i}.spec.js" for i in range(6)])
        wait_jobs(client, ids[:1], {"running", "passed"})
        platform.start_worker("emulator", 2, slow)
        platform.wait_for_workers(["emulator-2"])
        signalled_at = time.time()
        first.signal(signal.SIGTERM)
        assert first.proc is not None
        assert first.proc.wait(20) == 0
        # far sooner than the 60 s lease: the group was released, not taken over by expiry
        jobs = wait_jobs(client, ids, {"passed"}, timeout=30)
    by_first = [j for j in jobs if j["worker_id"] == "emulator-1"]
    assert jobs[: len(by_first)] == by_first  # emulator-1 ran a prefix of the group...
    assert {j["worker_id"] for j in jobs[len(by_first) :]} == {"emulator-2"}  # ...the rest moved
    assert 1 <= len(by_first) < len(jobs)
    last_start = datetime.fromisoformat(str(by_first[-1]["started_at"])).timestamp()
    assert last_start < signalled_at + 0.2  # it started nothing after SIGTERM, and finished
    assert all(j["attempts"] == 1 for j in jobs)  # what it was running (no rerun)


def test_a_killed_worker_is_taken_over_when_its_lease_expires(platform: Platform) -> None:
    env = {
        "QGJOB_SIM_TEST_MS": "800",
        "QGJOB_LEASE_MS": "1500",
        "QGJOB_HEARTBEAT_INTERVAL_S": "0.3",
        "QGJOB_HEARTBEAT_TTL_S": "1",
    }
    platform.start_api()
    platform.start_scheduler()
    victim = platform.start_worker("emulator", 1, env)
    platform.wait_for_workers(["emulator-1"])
    check = python_module("qgjob_worker", "--check", "--target", "emulator")
    probe_env = {**platform.env, "QGJOB_WORKER_ID": "emulator-1"}
    assert subprocess.run(check, env={**victim.env, **probe_env}, check=False).returncode == 0
    with platform.client(timeout=10) as client:
        ids = submit(client, ["tests/a.spec.js", "tests/b.spec.js"])
        wait_jobs(client, ids[:1], {"running"})
        victim.kill()
        platform.start_worker("emulator", 2, env)
        jobs = wait_jobs(client, ids, {"passed"}, timeout=30)
    assert jobs[0]["worker_id"] == "emulator-2"
    assert jobs[0]["attempts"] == 2  # the run that died with its worker counted
    wait_until(
        lambda: (
            subprocess.run(
                check, env={**victim.env, **probe_env}, capture_output=True, check=False
            ).returncode
            == 1
        ),
        timeout=10,
        what="the dead worker's probe to fail",
    )


def test_redis_outage_is_503_and_everything_resumes(
    tmp_path: Path, prefix: str, out_dir: Path
) -> None:
    server = RedisServer(tmp_path / "redis", appendonly=True, fsync="always")
    server.start()
    platform = Platform(server.url, prefix, out_dir)
    try:
        platform.start_api()
        platform.start_scheduler()
        platform.start_worker("emulator")
        platform.wait_for_workers(["emulator-1"])
        with platform.client(timeout=20) as client:
            before = submit(client, ["tests/a.spec.js", "tests/b.spec.js"])
            wait_jobs(client, before, {"passed"})
            server.kill()
            r = client.post(
                "/v1/jobs",
                json={"org_id": "o", "app_version_id": "A", "test_path": "tests/x.spec.js"},
            )
            assert r.status_code == 503
            assert r.headers["retry-after"] == "2"
            assert r.json()["error"]["code"] == "store_unavailable"
            assert client.get(f"/v1/jobs/{before[0]}").status_code == 503
            assert client.get("/readyz").status_code == 503
            assert client.get("/healthz").status_code == 200
            server.start()
            wait_until(
                lambda: client.get("/readyz").status_code == 200,
                timeout=20,
                what="readiness after Redis came back",
            )
            after = submit(client, ["tests/c.spec.js", "tests/d.spec.js"], app="B")
            jobs = wait_jobs(client, before + after, {"passed"}, timeout=40)
        assert len(jobs) == 4
        assert all(svc.alive for svc in platform.services.values())  # nothing crashed
        assert all(svc.starts == 1 for svc in platform.services.values())
    finally:
        platform.stop_all()
        server.stop()
