"""A run of the whole platform on a highly available store (Sentinel, Cluster), and what a
failover in its middle must leave: every accepted job terminal exactly once, with the
result its test earns, and an event history whose contradictions a client can resolve.

The rule a client resolves them by (docs/deployment.md, "What a failover can do"): a job's
**latest event wins**. Replication is asynchronous, so a client that followed the events
live may have seen some the new master never had (a ``passed``, say, then ``running`` and
``passed`` again when the test runs a second time). What is checked:

- the store: each accepted job has one terminal status, the one its test earns, and it
  holds no other job of the org (a submission answered 503 and made again with the same
  ``Idempotency-Key`` is one job);
- the history replayed from the store: each job's terminal event is its last, exactly one,
  and it matches the stored status;
- the live client: its latest event of each job matches the stored status, and every
  terminal event it saw of the job is that same result (a rerun may repeat it, never
  contradict it).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
import redis

from qgjob_store.codec import event_from_entry
from tests.support.live_events import EventFollower
from tests.support.platform import Platform
from tests.support.waiting import wait_until

TERMINAL = {"passed", "failed", "dead", "cancelled"}
ORG = "qualgent"
ENV = {"QGJOB_STORE_WAIT_REPLICAS": "1", "QGJOB_SIM_TEST_MS": "120", "QGJOB_SSE_KEEPALIVE_S": "1"}
"""Submissions wait for a replica; tests last long enough to be caught by a failover."""
RESUBMIT_S = 0.05
"""How long the submitting client waits after a 503 before it resubmits (with the same
``Idempotency-Key``, as the API asks)."""


def start_services(platform: Platform) -> None:
    platform.start_api()
    platform.start_scheduler()
    platform.start_worker("emulator", 1)
    platform.start_worker("emulator", 2)
    platform.start_worker("browserstack", 1)
    platform.wait_for_workers(["emulator-1", "emulator-2", "browserstack-1"])


def job(i: int) -> tuple[dict[str, str], str]:
    """The body of the ``i``-th job of a run and the result its test earns."""
    app, target = ("A", "emulator") if i % 3 else ("B", "browserstack")
    path = f"tests/fail_{i}.spec.js" if i % 7 == 0 else f"tests/t{i}.spec.js"
    body = {"org_id": ORG, "app_version_id": app, "test_path": path, "target": target}
    return body, "failed" if "fail" in path else "passed"


def follower(platform: Platform) -> EventFollower:
    """A live client of the org's events through the platform's API (not started)."""
    auth = {"Authorization": f"Bearer {platform.env['QGJOB_ADMIN_TOKEN']}"}
    return EventFollower(platform.api_url, auth, ORG)


def submit(client: httpx.Client, n: int, start: int = 0) -> dict[str, str]:
    """Submit jobs ``start``..``start+n-1`` (each must be accepted); their expected results."""
    expected = {}
    for i in range(start, start + n):
        body, result = job(i)
        r = client.post("/v1/jobs", json=body)
        assert r.status_code == 201, r.text
        expected[r.json()["id"]] = result
    return expected


@dataclass
class Submitter:
    """Submits jobs one after the other from a thread while the store fails over; a job
    answered 503 (or not answered) is submitted again with the same ``Idempotency-Key``
    until it is accepted. ``accepted``: every job answered 2xx, with its expected result."""

    client: httpx.Client
    first: int
    count: int
    accepted: dict[str, str] = field(default_factory=dict)
    refused: int = 0
    """Answers 503 (each followed by a resubmission)."""
    unanswered: int = 0
    """Requests that got no answer in the client's timeout (each resubmitted too)."""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    error: BaseException | None = None

    def start(self) -> Submitter:
        self._thread = threading.Thread(target=self._run, name="submitter", daemon=True)
        self._thread.start()
        return self

    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        assert self.error is None, self.error

    def summary(self) -> str:
        return (
            f"{len(self.accepted)} submissions accepted after {self.refused} answers 503 and "
            f"{self.unanswered} requests unanswered, each resubmitted"
        )

    def _run(self) -> None:
        try:
            for i in range(self.first, self.first + self.count):
                body, result = job(i)
                key = f"ha-{uuid.uuid4().hex}"
                while not self._stop.is_set():
                    try:
                        r = self.client.post(
                            "/v1/jobs", json=body, headers={"Idempotency-Key": key}
                        )
                    except httpx.HTTPError:
                        r = None
                    if r is not None and r.status_code in (200, 201):
                        self.accepted[r.json()["id"]] = result
                        break
                    assert r is None or r.status_code == 503, r.text
                    assert r is None or r.headers.get("Retry-After"), r.headers
                    self.refused += r is not None
                    self.unanswered += r is None
                    self._stop.wait(RESUBMIT_S)
        except BaseException as exc:  # reported by stop()
            self.error = exc


def statuses(platform: Platform, ids: list[str]) -> dict[str, str] | None:
    """Each job's status as stored, or ``None`` while the store is away."""
    try:
        return {j: platform.redis.hget(platform.keys.job(j), "status") or "" for j in ids}  # type: ignore[misc]
    except (redis.RedisError, redis.exceptions.RedisClusterException):
        return None


def all_terminal(platform: Platform, ids: list[str]) -> bool:
    s = statuses(platform, ids)
    return s is not None and all(v in TERMINAL for v in s.values())


def terminal(platform: Platform, ids: list[str]) -> set[str]:
    return {j for j, v in (statuses(platform, ids) or {}).items() if v in TERMINAL}


def wait_under_way(platform: Platform, ids: list[str]) -> None:
    """Wait until some of ``ids`` are terminal, not all."""

    def under_way() -> bool:
        return 3 <= len(terminal(platform, ids)) < len(ids)

    wait_until(under_way, timeout=30, interval=0.02, what="a run under way")


def finish(platform: Platform, expected: Mapping[str, str], timeout: float) -> None:
    """Wait until every job of ``expected`` is terminal (the services' logs on a timeout)."""
    try:
        wait_until(
            lambda: all_terminal(platform, list(expected)),
            timeout=timeout,
            interval=0.1,
            what="every accepted job terminal",
        )
    except AssertionError:
        print(platform.logs())
        raise


def wait_seen_ending(
    platform: Platform, follower: EventFollower, ids: list[str], before: set[str]
) -> set[str]:
    """Jobs of ``ids`` that ended after ``before`` was taken and that the live client saw
    end (at least one: waits for it)."""

    def seen() -> set[str]:
        latest = follower.latest()
        return {j for j in terminal(platform, ids) - before if latest.get(j) in TERMINAL}

    found: set[str] = wait_until(seen, timeout=20, interval=0.02, what="a job seen ending")
    return found


def wait_ran_again(follower: EventFollower, jobs: set[str]) -> None:
    """Wait until the live client has seen each of ``jobs`` end a second time: their first
    end was lost with the master that died, and they ran again."""

    def twice() -> bool:
        return all(len([s for s in follower.seen(j) if s in TERMINAL]) == 2 for j in jobs)

    wait_until(twice, timeout=20, interval=0.1, what="the lost ends seen again after a rerun")


def history(platform: Platform) -> dict[str, list[str]]:
    """Every job's statuses in the order a client replaying the org's events sees them."""
    out: dict[str, list[str]] = {}
    for entry_id, fields in platform.redis.xrange(platform.keys.events(ORG)):  # type: ignore[union-attr]
        event = event_from_entry(entry_id, fields)  # as the API sends it
        out.setdefault(event.job_id, []).append(event.status.value)
    return out


def check_outcome(
    platform: Platform, expected: Mapping[str, str], follower: EventFollower | None = None
) -> int:
    """Assert what a failover must leave (see the module's docstring); returns how many jobs
    the live client saw end more than once (each a rerun after lost transitions)."""
    assert statuses(platform, list(expected)) == dict(expected)
    # no job but the accepted ones: a resubmission with the same key created nothing more
    assert platform.redis.zcard(platform.keys.idx_org(ORG)) == len(expected)
    replayed = history(platform)
    for job_id, final in expected.items():
        seen = replayed.get(job_id, [])
        terminal = [s for s in seen if s in TERMINAL]
        assert terminal == [final] and seen[-1] == final, (job_id, seen)
    if follower is None:
        return 0

    def caught_up() -> bool:
        latest = follower.latest()
        return all(latest.get(j) == final for j, final in expected.items())

    try:
        wait_until(caught_up, timeout=15, interval=0.1, what="the live client to catch up")
    except AssertionError as exc:
        latest = follower.latest()
        wrong = {j: follower.seen(j) for j, f in expected.items() if latest.get(j) != f}
        raise AssertionError(f"the live client contradicts the store: {wrong}") from exc
    reruns = 0
    for job_id, final in expected.items():
        ends = [s for s in follower.seen(job_id) if s in TERMINAL]
        assert set(ends) == {final}, (job_id, follower.seen(job_id))
        reruns += len(ends) > 1
    return reruns
