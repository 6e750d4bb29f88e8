"""The CLI facing an API that rate-limits it (429: waits ``Retry-After`` and retries, saying
so) and an API whose store is down (503: one line, exit 15). One API process on a Redis of
its own, with a rate limit of one request per second; the last test stops that Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.support.cli import ADMIN_TOKEN, Live, one_line, org_token, start_platform
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis-limits"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def limited(redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    logs = tmp_path_factory.mktemp("cli-limits")
    limits = {"QGJOB_RATE_LIMIT_PER_S": "1", "QGJOB_RATE_LIMIT_BURST": "1"}
    platform = start_platform(redis.url, logs, limits, workers=False)
    try:
        yield Live(platform, org_token(platform), logs / "config")
    finally:
        platform.stop_all()


def test_rate_limited_requests_wait_and_retry(limited: Live) -> None:
    assert limited.cli("list").exit_code == 0  # takes the one request of the burst
    started = time.monotonic()
    waited = limited.cli("list")
    assert waited.exit_code == 0, waited.output
    assert time.monotonic() - started >= 0.9
    assert "qgjob: the API is rate limiting us (429); retrying in 1 s (1 of 5)" in waited.stderr
    refused = limited.cli("list", QGJOB_RATE_LIMIT_RETRIES="0")
    assert refused.exit_code == 15
    assert one_line(refused).startswith("qgjob: error 429: rate limit of org acme reached")


def test_an_unreachable_store_is_one_line_and_exit_15(limited: Live, redis: RedisServer) -> None:
    as_operator = {"QGJOB_TOKEN": ADMIN_TOKEN}
    assert limited.cli("health", **as_operator).exit_code == 0
    redis.kill()
    down = limited.cli("status", "X1", **as_operator)
    assert down.exit_code == 15
    assert one_line(down) == "qgjob: error 503: the job store is unreachable; retry shortly"
    health = limited.cli("health", "--json", **as_operator)
    assert health.exit_code == 15
    assert json.loads(health.stdout)["error"]["code"] == "store_unavailable"
    assert one_line(health).startswith("qgjob: error 503: the job store is unreachable")
