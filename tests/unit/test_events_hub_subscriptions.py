"""The hub's subscriptions: a job's or suite's client is handed its own entries as the hub
reads them, and is told when they may not all be there (it then catches up from its own
stream)."""

from __future__ import annotations

from typing import cast

import pytest

from qgjob_api import events_hub
from qgjob_api.events_hub import EventHub
from qgjob_store import EventLog
from qgjob_store.consumer import Entry


def _entry(ms: int, suite: str, job: str = "j1") -> Entry:
    return (f"{ms}-0", {"org": "org1", "suite": suite, "job": job, "status": "running"})


def _reading(hub: EventHub, last: str) -> None:
    """As after the hub's first read: every entry newer than ``last`` will come."""
    hub._last, hub._floor = last, events_hub.parse_id(last)


def test_a_subscription_gets_its_own_entries_and_wakes_alone() -> None:
    hub = EventHub(cast(EventLog, None))
    _reading(hub, "1000-0")
    s1, s2 = hub.subscribe("suite", "s1"), hub.subscribe("suite", "s2")
    job = hub.subscribe("job", "j9")
    wake1, wake2 = s1.wake_event(), s2.wake_event()
    hub._take([_entry(1001, "s1"), _entry(1002, "s3", job="j9"), _entry(1003, "s1")])
    assert wake1.is_set() and not wake2.is_set()
    assert s1.since("1000-0") == [_entry(1001, "s1"), _entry(1003, "s1")]
    assert s1.since("1001-0") == [_entry(1003, "s1")]  # the client's cursor moved on
    assert s2.since("1000-0") == []
    assert job.since("1000-0") == [_entry(1002, "s3", job="j9")]
    assert hub.since("1000-0") is not None and len(hub.since("1000-0") or []) == 3
    for sub in (s1, s2, job):
        hub.unsubscribe(sub)
    assert hub._subs == {}


def test_a_subscription_behind_its_window_or_the_hub_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events_hub, "SUBSCRIPTION_WINDOW", 3)
    hub = EventHub(cast(EventLog, None))
    assert hub.subscribe("suite", "s0").since("0-0") is None  # the hub is not reading
    _reading(hub, "1000-0")
    sub = hub.subscribe("suite", "s1")
    hub._take([_entry(1000 + i, "s1") for i in range(1, 6)])
    assert sub.since("1000-0") is None  # its two oldest were dropped: catch up
    assert sub.since("1002-0") == [_entry(1003, "s1"), _entry(1004, "s1"), _entry(1005, "s1")]
    hub._reset()  # the hub stopped reading (a store error): nothing is known to be here
    assert sub.since("1005-0") is None
