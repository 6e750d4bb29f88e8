"""How often a worker beats: a third of the heartbeat TTL, never more often than its lanes
renew (an idle farm's beats are most of what it asks of Redis)."""

from __future__ import annotations

import pytest

from qgjob_worker.settings import WorkerSettings


@pytest.mark.parametrize(
    ("env", "beat_s"),
    [
        ({}, 5.0),  # the defaults: TTL 15 s, lanes renew every 2 s
        ({"QGJOB_HEARTBEAT_TTL_S": "3", "QGJOB_HEARTBEAT_INTERVAL_S": "0.3"}, 1.0),
        ({"QGJOB_HEARTBEAT_TTL_S": "15", "QGJOB_HEARTBEAT_INTERVAL_S": "6"}, 6.0),
    ],
)
def test_a_worker_beats_three_times_per_ttl_and_no_faster_than_its_lanes_renew(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], beat_s: float
) -> None:
    for name in ("QGJOB_HEARTBEAT_TTL_S", "QGJOB_HEARTBEAT_INTERVAL_S"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = WorkerSettings()
    assert settings.beat_interval_s == pytest.approx(beat_s)
    assert settings.beat_interval_s * 2 < settings.heartbeat_ttl_s  # a late beat is no loss
