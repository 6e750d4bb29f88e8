"""The chaos test's injuries besides kills: a worker frozen (SIGSTOP) mid-run until its group
is taken over, then woken (SIGCONT); suites cancelled whole mid-run; poison entries on the
jobs stream and on a worker's assignments; a build whose fetch raises what nothing expects.
Each records what the final checks need."""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from qgjob_store import WORKER_GROUP
from tests.support.platform import Platform
from tests.support.waiting import ConditionTimeout, wait_until

ZIP_MAGIC = b"PK\x03\x04"


def _through_restarts(predicate: Callable[[], object]) -> Callable[[], bool]:
    """``predicate``, answering ``False`` while Redis restarts (the monkey restarts it)."""

    def checked() -> bool:
        try:
            return bool(predicate())
        except (redis.ConnectionError, redis.TimeoutError):
            return False

    return checked


@dataclass
class Frozen:
    """What the frozen worker held when it was stopped: its group, the group's epoch then,
    the job it was running at that epoch and that run's attempt, and the job's log and the
    events stream's last id once the group was taken over."""

    worker: str
    group: str = ""
    epoch: str = ""
    job: str = ""
    attempt: int = 0
    log_then: str = ""
    mark: str = "0-0"
    frozen_s: float = 0.0
    errors: list[BaseException] = field(default_factory=list)

    def freeze_mid_run(self, platform: Platform, done: threading.Event) -> None:
        try:
            self._freeze(platform, done)
        except BaseException as exc:
            self.errors.append(exc)

    def _freeze(self, platform: Platform, done: threading.Event) -> None:
        svc, r, k = platform.services[self.worker], platform.redis, platform.keys
        while not done.is_set():
            wait_until(
                _through_restarts(lambda: self._running(platform)),
                timeout=60,
                interval=0.01,
                what="a run",
            )
            svc.signal(signal.SIGSTOP)
            stopped = time.monotonic()
            if not _through_restarts(lambda: self._running(platform))():  # it moved on: again
                svc.signal(signal.SIGCONT)
                continue
            try:
                wait_until(
                    _through_restarts(lambda: r.hget(k.group(self.group), "epoch") != self.epoch),
                    timeout=30,
                    what=f"{self.worker}'s group taken over",
                )
                wait_until(
                    _through_restarts(lambda: self._note_takeover(platform)),
                    timeout=30,
                    what="the log and events read after the takeover",
                )
            finally:
                self.frozen_s = time.monotonic() - stopped
                svc.signal(signal.SIGCONT)
            return

    def _note_takeover(self, platform: Platform) -> bool:
        r, k = platform.redis, platform.keys
        self.log_then = r.get(k.job_log(self.job)) or ""
        last = r.xrevrange(k.events(), count=1)
        self.mark = last[0][0] if last else "0-0"
        return True

    def _running(self, platform: Platform) -> bool:
        """Whether the worker runs a job now; notes which, at which epoch and attempt."""
        r, k = platform.redis, platform.keys
        for gid in r.smembers(k.worker_groups(self.worker)):
            g = r.hmget(k.group(gid), ["state", "worker_id", "epoch"])
            if g[0] != "running" or g[1] != self.worker:
                continue
            for jid in r.lrange(k.group_jobs(gid), 0, -1):
                j = r.hmget(k.job(jid), ["status", "worker_id", "lease", "attempts"])
                if j[0] == "running" and j[1] == self.worker and j[2] == g[2]:
                    self.group, self.epoch, self.job = gid, str(g[2]), jid
                    self.attempt = int(j[3] or 0)
                    return True
        return False

    def fenced_writes(self, platform: Platform) -> int:
        """Writes that reached the store from the frozen worker after it lost its lease:
        events of its stale run (same job, same attempt, by it) after the takeover, and log
        lines of that run appended after the takeover."""
        if not self.job:
            return 0
        r, k = platform.redis, platform.keys
        events = [
            f
            for _, f in r.xrange(k.events(), min=f"({self.mark}")
            if f.get("job") == self.job
            and f.get("worker") == self.worker
            and f.get("attempt") == str(self.attempt)
        ]
        run_line = f"(attempt {self.attempt}, run"
        log_now = r.get(k.job_log(self.job)) or ""
        logs = max(0, log_now.count(run_line) - self.log_then.count(run_line))
        return len(events) + logs


@dataclass
class SuiteCancels:
    """Suites submitted, then cancelled whole once their first jobs have run."""

    suites: dict[str, list[str]] = field(default_factory=dict)
    cancelled: int = 0
    errors: list[BaseException] = field(default_factory=list)

    def run(self, platform: Platform, n: int, tests: int) -> None:
        try:
            with platform.client(timeout=15) as client:
                for i in range(n):
                    body = {
                        "org_id": "chaos",
                        "app_version_id": f"suite-app-{i}",
                        # 300 ms each: long enough to be cancelled mid-run
                        "tests": [f"tests/s{i}/t{t}@300ms.spec.js" for t in range(tests)],
                        "targets": ["emulator"],
                    }
                    r = _retrying(lambda b=body: client.post("/v1/suites", json=b))  # type: ignore[misc]
                    assert r.status_code == 201, r.text
                    self.suites[r.json()["id"]] = r.json()["job_ids"]
            for suite_id, job_ids in self.suites.items():
                wait_until(
                    _through_restarts(lambda ids=job_ids: _some_started(platform, ids)),  # type: ignore[misc]
                    timeout=60,
                    what=f"suite {suite_id} under way",
                )
                self._cancel_all(platform, job_ids)
                self.cancelled += 1
        except BaseException as exc:
            self.errors.append(exc)

    @staticmethod
    def _cancel_all(platform: Platform, job_ids: list[str]) -> None:
        def one(jid: str) -> None:
            with platform.client(timeout=15) as client:
                r = _retrying(lambda: client.post(f"/v1/jobs/{jid}/cancel"))
                assert r.status_code in (200, 202, 409), r.text  # 409: it had ended already

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(one, job_ids))


def _some_started(platform: Platform, job_ids: list[str]) -> bool:
    pipe = platform.redis.pipeline(transaction=False)
    for jid in job_ids:
        pipe.hget(platform.keys.job(jid), "status")
    return any(s not in ("queued", "scheduled") for s in pipe.execute())


def _retrying(call: object) -> httpx.Response:
    """The call, again after connection errors and 503s (Redis restarts meanwhile)."""
    for _ in range(200):
        try:
            r: httpx.Response = call()  # type: ignore[operator]
        except httpx.HTTPError:
            time.sleep(0.1)
            continue
        if r.status_code != 503:
            return r
        time.sleep(0.1)
    raise ConditionTimeout("the API kept failing")


POISON_JOB_IDS = ("poison-wrongtype", "poison-fieldless")


def poison_streams(platform: Platform, worker: str, target: str) -> int:
    """Entries no code path expects, on the jobs stream and on the assignments: a job id
    naming a key of another type, a job record missing its fields, an entry without a job;
    in ``worker``'s pending list of its ``target``'s assignment stream, a group id naming a
    key of another type and an entry without a group; and an entry added to that stream and
    never read (no script leaves one: the next group opened reads it first). Returns how
    many were added."""
    r, k = platform.redis, platform.keys
    r.rpush(k.job("poison-wrongtype"), "not a hash")
    r.hset(k.job("poison-fieldless"), mapping={"status": "queued"})
    r.rpush(k.group("poison-group"), "not a hash")
    entries = [
        (k.jobs_stream(), {"job": "poison-wrongtype"}),
        (k.jobs_stream(), {"job": "poison-fieldless"}),
        (k.jobs_stream(), {"nojob": "1"}),
    ]
    for stream, fields in entries:
        r.xadd(stream, fields)  # type: ignore[arg-type]
    stream = k.assign(target)
    try:
        r.xgroup_create(stream, WORKER_GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
    for fields in ({"group": "poison-group"}, {"nogroup": "1"}):
        with r.pipeline(transaction=True) as pipe:  # nothing can read it in between
            pipe.xadd(stream, fields)  # type: ignore[arg-type]
            pipe.xreadgroup(WORKER_GROUP, worker, {stream: ">"}, count=1)
            pipe.execute()
    r.xadd(stream, {"group": "poison-group"})
    return len(entries) + 3


def register_builds(platform: Platform, folder: Path, apps: list[str], bad_app: str) -> None:
    """Builds of the device jobs' app versions (a zip file in a folder), and a record of
    ``bad_app`` without its file name (as a record from an older version might be): reading
    it raises ``KeyError`` in the build fetch, which no code path expects."""
    folder.mkdir(parents=True, exist_ok=True)
    apk = folder / "app.apk"
    apk.write_bytes(ZIP_MAGIC + b"simulated build")
    sha = hashlib.sha256(apk.read_bytes()).hexdigest()
    for app in [*apps, bad_app]:
        record = {
            "org_id": "chaos",
            "app_version_id": app,
            "source": apk.as_uri(),
            "sha256": sha,
            "filename": "app.apk",
            "size": str(apk.stat().st_size),
            "package": "",
            "created_at": f"{time.time():.6f}",
        }
        if app == bad_app:
            del record["filename"]
        platform.redis.hset(platform.keys.app_build("chaos", app), mapping=record)
