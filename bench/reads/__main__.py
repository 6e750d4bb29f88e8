"""``python -m bench.reads``: the API as a real process on a real redis-server. The quiet
org's reads (its dead letters, its events from the first id, one job's events), timed alone,
then again once another org ("noisy") has 200,000 dead letters and 200,000 events. Prints
p50, p99 and max over many requests, in ms, for each."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import redis

from bench.reads.seed import seed
from qgjob_redis.keys import Keys
from tests.support.platform import ADMIN_TOKEN, Platform
from tests.support.redis_server import RedisServer

PAGE = 50
TARGET_P99_MS = 20.0


def _timed(fn: Callable[[], None], runs: int) -> list[float]:
    for _ in range(5):  # warm up connections and caches
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def _row(name: str, ms: list[float]) -> str:
    p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
    verdict = "ok" if p99 <= TARGET_P99_MS else "OVER"
    return (
        f"{name:<44} p50 {statistics.median(ms):7.2f}  p99 {p99:7.2f}  max {ms[-1]:7.2f}  "
        f"({len(ms)} requests; target p99 <= {TARGET_P99_MS:g} ms: {verdict})"
    )


def _frames(client: httpx.Client, url: str, want: int) -> int:
    """Read an SSE stream until ``want`` events came (or it ended); returns how many."""
    got = 0
    with client.stream("GET", url) as r:
        assert r.status_code == 200, r.read()
        for line in r.iter_lines():
            if line.startswith("id: "):
                got += 1
                if got == want:
                    break
    return got


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reads")
    parser.add_argument("--foreign", type=int, default=200_000, help="noisy org's entries")
    parser.add_argument("--runs", type=int, default=300, help="requests per read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(Path(tmp) / "redis")
        server.start()
        platform = Platform(server.url, "reads", Path(tmp), {"QGJOB_RATE_LIMIT_PER_S": "0"})
        try:
            run(platform, args.foreign, args.runs)
        finally:
            platform.stop_all()
            server.stop()


def run(platform: Platform, foreign: int, runs: int) -> None:
    """The quiet org's reads alone, then again beside the noisy org's entries."""
    r = redis.Redis.from_url(platform.redis_url)
    keys = Keys(platform.prefix)
    seed(r, keys, "quiet", "dead", 3 * PAGE)
    platform.start_api()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=platform.api_url, timeout=30) as client:
        token = client.post("/v1/admin/tokens", json={"org_id": "quiet"}, headers=admin)
        client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        job_id = ""
        for i in range(PAGE + 10):  # the quiet org's own events: queued, then cancelled
            body = {"app_version_id": "v1", "test_path": f"tests/t{i}.spec.js"}
            job_id = client.post("/v1/jobs", json=body).json()["id"]
            assert client.post(f"/v1/jobs/{job_id}/cancel").status_code == 200
        reads = _reads(client, job_id)
        print("reads of the quiet org alone (ms):")
        for name, fn in reads.items():
            print(_row(name, _timed(fn, runs)))
        started = time.perf_counter()
        seed(r, keys, "noisy", "dead", foreign)
        seed(r, keys, "noisy", "events", foreign)
        print(
            f"seeded {foreign:,} dead letters and {foreign:,} events of another org in "
            f"{time.perf_counter() - started:.1f}s; shared streams now hold "
            f"{r.xlen(keys.dead()):,} dead letters and {r.xlen(keys.events()):,} events"
        )
        print(f"the same reads beside {foreign:,} entries of another org in each stream (ms):")
        for name, fn in reads.items():
            print(_row(name, _timed(fn, runs)))


def _reads(client: httpx.Client, job_id: str) -> dict[str, Callable[[], None]]:
    def dead_page() -> None:
        got = client.get("/v1/dead-letters", params={"limit": PAGE})
        assert got.status_code == 200, got.text
        assert len(got.json()) == PAGE

    def dead_one() -> None:
        assert len(client.get("/v1/dead-letters", params={"limit": 1}).json()) == 1

    def job_events() -> None:
        assert _frames(client, f"/v1/jobs/{job_id}/events?last_event_id=0-0", 10) == 2

    def org_events() -> None:
        assert _frames(client, "/v1/events?last_event_id=0-0", PAGE) == PAGE

    def health() -> None:
        assert client.get("/healthz").status_code == 200

    return {
        f"GET /v1/dead-letters?limit={PAGE}": dead_page,
        "GET /v1/dead-letters?limit=1": dead_one,
        "GET /v1/jobs/{id}/events?last_event_id=0-0": job_events,
        f"GET /v1/events?last_event_id=0-0 ({PAGE} events)": org_events,
        "GET /healthz": health,
    }


if __name__ == "__main__":
    main()
