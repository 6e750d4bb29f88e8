"""Kill everything at random moments and restart Redis: no accepted job is lost or doubled,
none is left unfinished, and a worker that lost its lease writes nothing.

A real redis-server with AOF (``appendfsync always``), the API, two schedulers and five
workers as separate processes. While 720 jobs over 24 app versions are submitted and run
(with infrastructure errors injected by the simulated driver; the device workers fetch each
build for real), the test SIGKILLs workers and schedulers and restarts them, SIGTERMs one
worker, restarts Redis once, freezes a device worker (SIGSTOP) in the middle of a run until
its group is taken over and then wakes it (SIGCONT), cancels two suites whole mid-run, puts
poison entries on the jobs stream and on a worker's assignments, and submits jobs whose
build fetch raises an exception nothing expects. Then every accepted job must be terminal
(``stuck``: those that are not), with exactly one terminal transition, no run after it,
every dead job in the dead-letter stream, and nothing written by the frozen worker after it
lost its lease (``fenced_writes``: its stale run's events and log lines that reached the
store after the takeover).
"""

from __future__ import annotations

import random
import signal
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.chaos.injuries import Frozen, SuiteCancels, poison_streams, register_builds
from tests.support.platform import Platform
from tests.support.redis_server import RedisServer
from tests.support.waiting import ConditionTimeout, wait_until

pytestmark = pytest.mark.chaos

JOBS = 720
APP_VERSIONS = 24
TERMINAL = {"passed", "failed", "dead", "cancelled"}
WORKERS = [("emulator", 1), ("emulator", 2), ("device", 1), ("device", 2), ("browserstack", 1)]
FROZEN = "device-2"
"""The worker frozen mid-run (never killed by the monkey)."""
BROKEN_APP, BROKEN_JOBS = "app-broken", 4
SUITES, SUITE_TESTS = 2, 30
ENV = {
    "QGJOB_SIM_INSTALL_MS": "60",
    "QGJOB_SIM_TEST_MS": "8",
    "QGJOB_SIM_ERROR_RATE": "0.12",
    "QGJOB_MAX_ATTEMPTS": "3",
    "QGJOB_LEASE_MS": "1500",
    "QGJOB_HEARTBEAT_INTERVAL_S": "0.3",
    "QGJOB_HEARTBEAT_TTL_S": "3",
    "QGJOB_CLAIM_IDLE_MS": "1000",
    "QGJOB_RETRY_BASE_S": "0.1",
    "QGJOB_RETRY_CAP_S": "0.5",
    "QGJOB_DRAIN_GRACE_S": "2",
    "QGJOB_GROUP_MAX_SIZE": "20",
    "QGJOB_GROUP_LINGER_MS": "100",
}


class Chaos:
    """Kills and restarts processes, and Redis once, on a seeded random schedule."""

    def __init__(self, platform: Platform, redis: RedisServer, seed: int) -> None:
        self.platform, self.redis = platform, redis
        self.rng = random.Random(seed)
        self.kills = self.terms = self.redis_restarts = 0
        self.done = threading.Event()
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            victims = [n for n in self.platform.services if n not in ("api", FROZEN)]
            plan = ["kill"] * 4 + ["term"] + ["kill"] * 2 + ["redis"] + ["kill"] * 3
            for action in plan:
                if self.done.wait(self.rng.uniform(0.4, 1.2)):
                    break
                if action == "redis":
                    self.redis.restart()
                    self.redis_restarts += 1
                    continue
                name = self.rng.choice(victims)
                if action == "term":
                    name = self.rng.choice([v for v in victims if v.startswith("emulator")])
                    self._wait_until_serving(name)
                svc = self.platform.services[name]
                if action == "kill":
                    svc.kill()
                    self.kills += 1
                else:
                    svc.signal(signal.SIGTERM)
                    assert svc.proc is not None
                    assert svc.proc.wait(20) == 0, f"{name} did not drain cleanly"
                    self.terms += 1
                svc.start()
        except BaseException as exc:
            self.errors.append(exc)

    def _wait_until_serving(self, name: str) -> None:
        """A SIGTERM drains a worker that is up; one still starting just exits. Wait until
        the chosen worker has beaten its heart since it last started."""
        svc = self.platform.services[name]
        key = self.platform.keys.heartbeat(name)

        def serving() -> bool:
            beat = self.platform.redis.get(key)  # the server time of its last heartbeat
            return beat is not None and float(beat) > svc.started_at

        wait_until(serving, timeout=30, what=f"{name} to serve")


def submit_all(platform: Platform, rng: random.Random) -> dict[str, str]:
    """Submit the jobs from 8 threads, retrying 503s and connection errors; returns the
    accepted job ids (a 201 answer) with their target (``device-broken``: the jobs of the
    build whose fetch raises)."""
    targets = ["emulator", "emulator", "device", "browserstack"]
    plan = [
        (f"app-{rng.randrange(APP_VERSIONS)}", targets[i % 4], f"tests/t{i}.spec.js")
        for i in range(JOBS)
    ]
    plan[JOBS // 2 : JOBS // 2] = [
        (BROKEN_APP, "device", f"tests/broken{i}.spec.js") for i in range(BROKEN_JOBS)
    ]
    accepted: dict[str, str] = {}
    lock = threading.Lock()

    def one(item: tuple[str, str, str]) -> None:
        app, target, path = item
        body = {"org_id": "chaos", "app_version_id": app, "test_path": path, "target": target}
        with platform.client(timeout=15) as client:
            for _ in range(200):
                try:
                    r = client.post("/v1/jobs", json=body)
                except httpx.HTTPError:
                    time.sleep(0.1)
                    continue
                if r.status_code == 201:
                    with lock:
                        accepted[r.json()["id"]] = "device-broken" if app == BROKEN_APP else target
                    return
                assert r.status_code == 503, r.text
                time.sleep(0.1)
        raise AssertionError(f"could not submit {path}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, plan))
    return accepted


def read_events(platform: Platform) -> dict[str, list[str]]:
    per_job: dict[str, list[str]] = defaultdict(list)
    last = "-"
    while True:
        batch = platform.redis.xrange(platform.keys.events(), min=last, count=10_000)
        if last != "-":
            batch = batch[1:]
        if not batch:
            return per_job
        for _, fields in batch:
            per_job[fields["job"]].append(fields["status"])
        last = batch[-1][0]


def test_chaos(
    tmp_path: Path, prefix: str, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    seed = int(time.time())
    redis = RedisServer(tmp_path / "redis", appendonly=True, fsync="always")
    redis.start()
    platform = Platform(redis.url, prefix, out_dir, ENV)
    chaos = Chaos(platform, redis, seed)
    frozen = Frozen(FROZEN)
    suites = SuiteCancels()
    device_env = {
        "QGJOB_SIM_FETCH_BUILDS": "true",
        "QGJOB_BUILD_CACHE_DIR": str(tmp_path / "build-cache"),
    }
    try:
        register_builds(
            platform, tmp_path / "builds", [f"app-{i}" for i in range(APP_VERSIONS)], BROKEN_APP
        )
        platform.start_api()
        platform.start_scheduler(1)
        platform.start_scheduler(2)
        for target, n in WORKERS:
            platform.start_worker(target, n, device_env if target == "device" else None)
        platform.wait_for_workers([f"{t}-{n}" for t, n in WORKERS])

        injuries = [
            threading.Thread(target=chaos.run, daemon=True),
            threading.Thread(target=frozen.freeze_mid_run, args=(platform, chaos.done)),
            threading.Thread(target=suites.run, args=(platform, SUITES, SUITE_TESTS)),
        ]
        for t in injuries:
            t.daemon = True
            t.start()
        poisoned = poison_streams(platform, "emulator-1", "emulator")
        accepted = submit_all(platform, random.Random(seed))
        submitted_s = time.monotonic() - started
        for t in injuries:
            t.join(90)
        assert not chaos.errors, chaos.errors
        assert not frozen.errors, frozen.errors
        assert not suites.errors, suites.errors
        suite_jobs = {j for ids in suites.suites.values() for j in ids}
        everyone = [*accepted, *suite_jobs]

        def unfinished() -> list[str]:
            pipe = platform.redis.pipeline(transaction=False)  # one round trip per check
            for jid in everyone:
                pipe.hget(platform.keys.job(jid), "status")
            return [j for j, s in zip(everyone, pipe.execute(), strict=True) if s not in TERMINAL]

        try:
            wait_until(lambda: not unfinished(), timeout=90, interval=0.5, what="all terminal")
        except ConditionTimeout:
            print(platform.logs())
        stuck = unfinished()
        drained_s = time.monotonic() - started

        events = read_events(platform)
        lost = [j for j in everyone if not any(s in TERMINAL for s in events.get(j, []))]
        duplicated = [j for j in everyone if sum(s in TERMINAL for s in events[j]) > 1]
        ran_after_end = [
            j
            for j in everyone
            if j not in stuck and "running" in events[j][_first_terminal(events[j]) + 1 :]
        ]
        final = {j: events[j][_first_terminal(events[j])] for j in everyone if j not in stuck}
        dead = {j for j, s in final.items() if s == "dead"}
        letters = platform.redis.xrange(platform.keys.dead())
        dead_lettered = {f.get("job") for _, f in letters}
        poison_letters = sum(f.get("reason") == "poison" for _, f in letters)
        fenced = frozen.fenced_writes(platform)
        broken = [j for j, t in accepted.items() if t == "device-broken"]
        with platform.client(timeout=10) as client:
            stats = client.get("/v1/stats").json()
        line = (
            f"chaos: {len(everyone)} jobs, lost={len(lost)}, duplicated={len(duplicated)}, "
            f"dead={len(dead)}, kills={chaos.kills}, redis_restarts={chaos.redis_restarts}, "
            f"installs={stats['installs_done']}, fenced_writes={fenced} stuck={len(stuck)}"
        )
        line += (
            f"  (seed {seed}, sigterm={chaos.terms}, frozen {frozen.frozen_s:.1f}s, "
            f"suites_cancelled={suites.cancelled}, poison={poison_letters}/{poisoned}, "
            f"broken_builds={len(broken)}, submitted at {submitted_s:.1f}s, all terminal at "
            f"{drained_s:.1f}s, {time.monotonic() - started:.1f}s)"
        )
        (out_dir / "chaos.txt").write_text(line + "\n")
        with capsys.disabled():  # the figures a reader of the test run wants to see
            print(f"\n{line}")
        assert stuck == []
        assert len(accepted) >= JOBS
        assert lost == []
        assert duplicated == []
        assert ran_after_end == []
        assert dead <= dead_lettered, dead - dead_lettered
        assert chaos.kills >= 6
        assert chaos.terms == 1
        assert chaos.redis_restarts == 1
        assert frozen.job, "the frozen worker was running a job"
        assert suites.cancelled == SUITES
        assert {final[j] for j in accepted if j not in broken} <= {"passed", "dead"}
        assert {final[j] for j in suite_jobs} <= {"passed", "dead", "cancelled"}
        assert "cancelled" in {final[j] for j in suite_jobs}
        assert len(broken) == BROKEN_JOBS
        assert {final[j] for j in broken} == {"dead"}
        errors = platform.redis.pipeline(transaction=False)
        for j in broken:
            errors.hget(platform.keys.job(j), "error")
        # A broken job's last attempt may also have been ended by a kill (lease lost): the
        # fetch's own error must still have reached the jobs, not a hot loop.
        texts = errors.execute()
        assert any("KeyError" in (e or "") for e in texts), texts
        assert fenced == 0
    finally:
        chaos.done.set()
        platform.stop_all()
        redis.stop()


def _first_terminal(statuses: list[str]) -> int:
    return next(i for i, s in enumerate(statuses) if s in TERMINAL)
