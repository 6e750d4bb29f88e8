"""An API process stopping while clients follow live events (a dashboard is always
connected) ends their streams at once instead of waiting out the graceful-shutdown timeout;
the clients resume after the last event id they saw."""

from __future__ import annotations

import time

import pytest

from tests.support.platform import Platform

pytestmark = pytest.mark.e2e


def test_open_event_streams_do_not_hold_the_api_shutdown(platform: Platform) -> None:
    api = platform.start_api()
    with (
        platform.client(timeout=10) as client,
        client.stream("GET", "/v1/events") as events,
        client.stream("GET", "/v1/events") as other,
    ):
        lines = events.iter_lines()
        assert next(lines) == "retry: 2000"
        assert next(other.iter_lines()) == "retry: 2000"
        started = time.monotonic()
        assert api.stop(timeout=30) == 0
        took = time.monotonic() - started
        assert list(lines) == [""]  # the stream ended cleanly: nothing after the first frame
    assert took < 5, f"the API took {took:.1f} s to stop (its grace period is 10 s)"
