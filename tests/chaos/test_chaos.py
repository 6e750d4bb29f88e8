"""Kill everything at random moments and restart Redis: no accepted job is lost or doubled.

A real redis-server with AOF (``appendfsync always``), the API, two schedulers and four
workers as separate processes. While 1,000+ jobs over 24 app versions are submitted and run
(with infrastructure errors injected by the simulated driver), the test SIGKILLs workers and
schedulers and restarts them, SIGTERMs one worker, and restarts Redis once. Then every
accepted job must be terminal, with exactly one terminal transition, no run after it, and
every dead job in the dead-letter stream.
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

from tests.support.platform import Platform
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_until

pytestmark = pytest.mark.chaos

JOBS = 1080
APP_VERSIONS = 24
TERMINAL = {"passed", "failed", "dead", "cancelled"}
WORKERS = [("emulator", 1), ("emulator", 2), ("device", 1), ("browserstack", 1)]
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
            victims = [n for n in self.platform.services if n != "api"]
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
    accepted job ids (a 201 answer) with their target."""
    targets = ["emulator", "emulator", "device", "browserstack"]
    plan = [
        (f"app-{rng.randrange(APP_VERSIONS)}", targets[i % 4], f"tests/t{i}.spec.js")
        for i in range(JOBS)
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
                        accepted[r.json()["id"]] = target
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
    try:
        platform.start_api()
        platform.start_scheduler(1)
        platform.start_scheduler(2)
        for target, n in WORKERS:
            platform.start_worker(target, n)
        platform.wait_for_workers([f"{t}-{n}" for t, n in WORKERS])

        monkey = threading.Thread(target=chaos.run, daemon=True)
        monkey.start()
        accepted = submit_all(platform, random.Random(seed))
        monkey.join(60)
        assert not chaos.errors, chaos.errors

        def all_terminal() -> bool:
            pipe = platform.redis.pipeline(transaction=False)  # one round trip per check
            for jid in accepted:
                pipe.hget(platform.keys.job(jid), "status")
            return all(s in TERMINAL for s in pipe.execute())

        try:
            wait_until(all_terminal, timeout=120, interval=0.5, what="every job terminal")
        except AssertionError:
            print(platform.logs())
            raise

        events = read_events(platform)
        lost = [j for j in accepted if not any(s in TERMINAL for s in events.get(j, []))]
        duplicated = [j for j in accepted if sum(s in TERMINAL for s in events[j]) > 1]
        ran_after_end = [
            j for j in accepted if "running" in events[j][_first_terminal(events[j]) + 1 :]
        ]
        final = {j: events[j][_first_terminal(events[j])] for j in accepted}
        dead = {j for j, s in final.items() if s == "dead"}
        letters = {f.get("job") for _, f in platform.redis.xrange(platform.keys.dead())}
        with platform.client(timeout=10) as client:
            stats = client.get("/v1/stats").json()
        line = (
            f"chaos: {len(accepted)} jobs, lost={len(lost)}, duplicated={len(duplicated)}, "
            f"dead={len(dead)}, kills={chaos.kills}, redis_restarts={chaos.redis_restarts}, "
            f"installs={stats['installs_done']}"
        )
        line += f"  (seed {seed}, sigterm={chaos.terms}, {time.monotonic() - started:.1f}s)"
        (out_dir / "chaos.txt").write_text(line + "\n")
        with capsys.disabled():  # the figures a reader of the test run wants to see
            print(f"\n{line}")
        assert len(accepted) >= 1000
        assert lost == []
        assert duplicated == []
        assert ran_after_end == []
        assert dead <= letters, dead - letters
        assert chaos.kills >= 6
        assert chaos.terms == 1
        assert chaos.redis_restarts == 1
        assert {s for s in final.values()} <= {"passed", "dead"}
    finally:
        chaos.done.set()
        platform.stop_all()
        redis.stop()


def _first_terminal(statuses: list[str]) -> int:
    return next(i for i, s in enumerate(statuses) if s in TERMINAL)
