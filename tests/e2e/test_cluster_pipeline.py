"""The whole path as separate processes on a real Redis Cluster (three masters, three
replicas): a run end to end, a failover in the middle of one (a manual ``CLUSTER FAILOVER``,
then a SIGKILL of the new master after it stopped replicating, so that some transitions are
lost), and a move of the deployment's slot to another master while jobs run. What each must
leave is checked by :func:`tests.support.ha.check_outcome`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import httpx
import pytest
import redis
from redis.crc import key_slot

from qgjob_store.keys import Keys
from tests.support.cluster import ClusterSetup
from tests.support.cluster_slots import masters, move_slot
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
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[ClusterSetup]:
    """A fresh cluster: these tests fail nodes over, kill them and move slots."""
    setup = ClusterSetup(tmp_path / "cluster")
    try:
        yield setup.start()
    finally:
        setup.stop()


@pytest.fixture
def platform(cluster: ClusterSetup, prefix: str, out_dir: Path) -> Iterator[Platform]:
    inspect = cast(redis.Redis, cluster.client())  # follows MOVED like the services
    p = Platform(cluster.url, prefix, out_dir, env=ENV, inspect=inspect)
    try:
        yield p
    finally:
        p.stop_all()


def _api_statuses(client: httpx.Client, expected: dict[str, str]) -> dict[str, str]:
    return {j: client.get(f"/v1/jobs/{j}").json()["status"] for j in expected}


def test_pipeline_on_cluster(platform: Platform) -> None:
    start_services(platform)
    live = follower(platform).start()
    try:
        with platform.client(timeout=10) as client:
            expected = submit(client, 15)
            finish(platform, expected, 40)
            assert _api_statuses(client, expected) == expected
            assert client.get("/readyz").status_code == 200
        check_outcome(platform, expected, live)
    finally:
        live.stop()
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def test_failover_then_master_killed_mid_run(
    platform: Platform, cluster: ClusterSetup, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    slot = key_slot(Keys(prefix).jobs_stream().encode())
    start_services(platform)
    live = follower(platform).start()
    try:
        with platform.client(timeout=10) as client:
            expected = submit(client, 20)
            ids = list(expected)
            wait_under_way(platform, ids)
            submitter = Submitter(client, first=len(expected), count=20).start()
            t0 = time.monotonic()
            first = cluster.manual_failover(slot)  # the replica takes over; nothing is lost
            failed_over = time.monotonic() - t0
            # what the new master does once its replica (the old master) stops replicating
            # is lost when it dies: a test that ends meanwhile, seen ending, runs again
            lagging = cluster.replica_of(first)
            cut_replication(first, [lagging])
            lost = wait_seen_ending(platform, live, ids, terminal(platform, ids))
            first.kill()
            killed_at = time.monotonic()
            assert cluster.wait_promoted(slot, first) == lagging
            promoted = time.monotonic() - killed_at
            # alone, the promoted master cannot confirm a submission to any replica (WAIT):
            # until the killed node is back as its replica, submissions answer 503
            cluster.restart(first)
            wait_until(submitter.done, timeout=60, interval=0.1, what="every job submitted")
            submitter.stop()
            expected |= submitter.accepted
            finish(platform, expected, 60)
            assert _api_statuses(client, expected) == expected
            assert client.get("/readyz").status_code == 200
        wait_ran_again(live, lost)
        reruns = check_outcome(platform, expected, live)
        assert reruns >= len(lost)
    finally:
        live.stop()
    assert all(svc.alive for svc in platform.services.values())  # reconnected, not crashed
    with capsys.disabled():  # what the failovers did to this run
        print(
            f"\ncluster failover: manual failover {failed_over:.1f}s; {len(lost)} tests seen "
            f"ending after replication was cut, run again; replica promoted {promoted:.1f}s "
            f"after the kill; {submitter.summary()}; "
            f"{reruns} jobs seen ending twice by the live client ({live.reconnects} "
            f"reconnects); all {len(expected)} terminal {time.monotonic() - t0:.1f}s after "
            "the manual failover began"
        )
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes


def test_slot_moved_to_another_master_mid_run(
    platform: Platform, cluster: ClusterSetup, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    slot = key_slot(Keys(prefix).jobs_stream().encode())
    start_services(platform)
    live = follower(platform).start()
    try:
        with platform.client(timeout=10) as client:
            expected = submit(client, 20)
            wait_under_way(platform, list(expected))
            submitter = Submitter(client, first=len(expected), count=20).start()
            source = cluster.owner(slot)
            target = next(n for n in masters(cluster) if n != source)
            moved = move_slot(cluster, slot, target)
            assert cluster.owner(slot) == target
            wait_until(submitter.done, timeout=60, interval=0.1, what="every job submitted")
            submitter.stop()
            expected |= submitter.accepted
            finish(platform, expected, 60)
            assert _api_statuses(client, expected) == expected
            assert client.get("/readyz").status_code == 200
        reruns = check_outcome(platform, expected, live)
    finally:
        live.stop()
    assert reruns == 0  # a move loses nothing: no test runs twice
    assert all(svc.alive for svc in platform.services.values())
    with capsys.disabled():
        print(
            f"\nslot move: {moved.keys} keys moved by one script in {moved.script_s * 1000:.0f} "
            f"ms (its master serving nothing else meanwhile); {submitter.summary()}"
        )
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
