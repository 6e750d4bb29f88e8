"""The CLI facing an API that rate-limits it (429: waits ``Retry-After`` and retries, saying
so) and an API whose store is down (503: one line, exit 15)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.cli import ADMIN_TOKEN, Live, one_line, org_token, start_platform
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.e2e


def test_rate_limited_requests_wait_and_retry(redis_url: str, tmp_path: Path) -> None:
    platform = start_platform(
        redis_url,
        tmp_path,
        {"QGJOB_RATE_LIMIT_PER_S": "1", "QGJOB_RATE_LIMIT_BURST": "1"},
        workers=False,
    )
    try:
        live = Live(platform, org_token(platform), tmp_path / "config")
        assert live.cli("list").exit_code == 0  # takes the one request of the burst
        started = time.monotonic()
        waited = live.cli("list")
        assert waited.exit_code == 0, waited.output
        assert time.monotonic() - started >= 0.9
        assert "qgjob: the API is rate limiting us (429); retrying in 1 s (1 of 5)" in waited.stderr
        refused = live.cli("list", QGJOB_RATE_LIMIT_RETRIES="0")
        assert refused.exit_code == 15
        assert one_line(refused).startswith("qgjob: error 429: rate limit of org acme reached")
    finally:
        platform.stop_all()


def test_an_unreachable_store_is_one_line_and_exit_15(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    platform = start_platform(redis.url, tmp_path, workers=False)
    try:
        live = Live(platform, "", tmp_path / "config")
        as_operator = {"QGJOB_TOKEN": ADMIN_TOKEN}
        assert live.cli("health", **as_operator).exit_code == 0
        redis.kill()
        down = live.cli("status", "X1", **as_operator)
        assert down.exit_code == 15
        assert one_line(down) == "qgjob: error 503: the job store is unreachable; retry shortly"
        health = live.cli("health", "--json", **as_operator)
        assert health.exit_code == 15
        assert json.loads(health.stdout)["error"]["code"] == "store_unavailable"
        assert one_line(health).startswith("qgjob: error 503: the job store is unreachable")
    finally:
        platform.stop_all()
        redis.stop()
