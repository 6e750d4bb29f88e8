"""The whole path as separate processes on a Sentinel deployment, and a failover (SIGKILL of
the master after it stopped replicating, so that some transitions are lost; a replica
promoted) in the middle of a run while jobs are still being submitted. What each must leave
is checked by :func:`tests.support.ha.check_outcome`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ha import (
    ENV,
    Submitter,
    check_outcome,
    finish,
    follower,
    start_services,
    submit,
    terminal,
    wait_ran_again,
    wait_seen_ending,
    wait_under_way,
)
from tests.support.platform import Platform
from tests.support.redis_nodes import cut_replication
from tests.support.sentinel import SentinelSetup
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def ha_platform(sentinel_setup: SentinelSetup, prefix: str, out_dir: Path) -> Iterator[Platform]:
    inspect = sentinel_setup.master_client()  # follows the master through the sentinels
    p = Platform(sentinel_setup.url, prefix, out_dir, env=ENV, inspect=inspect)
    try:
        yield p
    finally:
        p.stop_all()


def test_pipeline_on_sentinel(ha_platform: Platform) -> None:
    start_services(ha_platform)
    live = follower(ha_platform).start()
    try:
        with ha_platform.client(timeout=10) as client:
            expected = submit(client, 15)
            finish(ha_platform, expected, 40)
            assert {j: client.get(f"/v1/jobs/{j}").json()["status"] for j in expected} == expected
        check_outcome(ha_platform, expected, live)
    finally:
        live.stop()
    codes = ha_platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def test_master_killed_mid_run(
    ha_platform: Platform, sentinel_setup: SentinelSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    start_services(ha_platform)
    live = follower(ha_platform).start()
    try:
        with ha_platform.client(timeout=10) as client:
            expected = submit(client, 20)
            ids = list(expected)
            wait_under_way(ha_platform, ids)
            submitter = Submitter(client, first=len(expected), count=20).start()
            # what the master does once its replicas stop replicating is lost when it dies:
            # a test that ends meanwhile, seen ending, runs again
            master = sentinel_setup.node(sentinel_setup.master_port())
            cut_replication(master, sentinel_setup.replicas)
            lost = wait_seen_ending(ha_platform, live, ids, terminal(ha_platform, ids))
            killed_at = time.monotonic()
            promoted = sentinel_setup.kill_master()
            assert promoted.port != master.port
            promoted_after = time.monotonic() - killed_at
            wait_until(submitter.done, timeout=60, interval=0.1, what="every job submitted")
            submitter.stop()
            expected |= submitter.accepted
            finish(ha_platform, expected, 60)

            def api_answers() -> bool:
                got = {j: client.get(f"/v1/jobs/{j}").json().get("status") for j in expected}
                return got == expected

            wait_until(api_answers, timeout=15, what="the API to read the new master")
            assert client.get("/readyz").status_code == 200
        wait_ran_again(live, lost)
        reruns = check_outcome(ha_platform, expected, live)
        assert reruns >= len(lost)
    finally:
        live.stop()
    assert all(svc.alive for svc in ha_platform.services.values())  # reconnected, not crashed
    with capsys.disabled():  # what the failover did to this run
        print(
            f"\nsentinel failover: {len(lost)} tests seen ending after replication was cut, "
            f"run again; replica promoted {promoted_after:.1f}s after the kill; "
            f"{submitter.summary()}; {reruns} jobs "
            f"seen ending twice by the live client ({live.reconnects} reconnects); all "
            f"{len(expected)} terminal {time.monotonic() - killed_at:.1f}s after the kill"
        )
    codes = ha_platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
