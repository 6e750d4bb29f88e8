"""``python -m bench.reads``: the quiet org's reads (its dead letters, its events from the
first id, one job's events) on two platforms side by side, each an API process on its own
redis-server with the same quiet org: on one, another org ("noisy") also has 200,000 dead
letters and 200,000 events. Requests alternate between the two, so a change in the
machine's load hits both alike. Prints p50, p99 and max in ms per read and platform, the
CPU the API and Redis spent per request, and the load average before and after."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import redis

from bench.reads.cpu import CpuMeter, redis_cpu_s
from bench.reads.seed import seed
from qgjob_store.keys import Keys
from tests.support.platform import ADMIN_TOKEN, Platform
from tests.support.redis_server import RedisServer

PAGE = 50
TARGET_P99_MS = 20.0
Read = Callable[[], None]


def _p99(ms: list[float]) -> float:
    return ms[max(0, int(len(ms) * 0.99) - 1)]


def _row(name: str, ms: list[float], cpu: str) -> str:
    p99 = _p99(ms)
    verdict = "ok" if p99 <= TARGET_P99_MS else "OVER"
    return (
        f"  {name:<7} p50 {statistics.median(ms):7.2f}  p99 {p99:7.2f}  max {ms[-1]:7.2f}  "
        f"{cpu}  (p99 target {TARGET_P99_MS:g}: {verdict})"
    )


def _timed_pair(reads: dict[str, Read], meters: dict[str, CpuMeter], runs: int) -> list[str]:
    """Each read ``runs`` times on each platform, alternating (and which goes first), with
    every request timed on its own: from sending it to the last byte the read needs."""
    out: dict[str, list[float]] = {name: [] for name in reads}
    for fn in reads.values():  # warm up connections and caches
        for _ in range(5):
            fn()
    for meter in meters.values():
        meter.start()
    for i in range(runs):
        order = list(reads.items()) if i % 2 == 0 else list(reads.items())[::-1]
        for name, fn in order:
            started = time.perf_counter()
            fn()
            out[name].append((time.perf_counter() - started) * 1000)
    return [_row(n, sorted(ms), meters[n].per_request(runs)) for n, ms in out.items()]


def _frames(client: httpx.Client, url: str, want: int) -> int:
    """Read an SSE stream until ``want`` events came (or it ended); returns how many. The
    time is until the last wanted frame arrived: the client then closes the stream."""
    got = 0
    with client.stream("GET", url) as r:
        assert r.status_code == 200, r.read()
        for line in r.iter_lines():
            if line.startswith("id: "):
                got += 1
                if got == want:
                    break
    return got


@contextmanager
def _platform(tmp: Path, name: str) -> Iterator[Platform]:
    server = RedisServer(tmp / name / "redis")
    server.start()
    env = {"QGJOB_RATE_LIMIT_PER_S": "0"}
    platform = Platform(server.url, "reads", tmp / name, env)
    try:
        yield platform
    finally:
        platform.stop_all()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reads")
    parser.add_argument("--foreign", type=int, default=200_000, help="noisy org's entries")
    parser.add_argument("--runs", type=int, default=300, help="requests per read and platform")
    args = parser.parse_args()
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        alone = stack.enter_context(_platform(Path(tmp), "alone"))
        beside = stack.enter_context(_platform(Path(tmp), "beside"))
        run({"alone": alone, "beside": beside}, args.foreign, args.runs)
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def run(platforms: dict[str, Platform], foreign: int, runs: int) -> None:
    """The quiet org's reads on every platform; the noisy org's entries on ``beside``."""
    reads: dict[str, dict[str, Read]] = {}
    meters: dict[str, CpuMeter] = {}
    with ExitStack() as stack:
        for name, platform in platforms.items():
            r = redis.Redis.from_url(platform.redis_url)
            keys = Keys(platform.prefix)
            seed(r, keys, "quiet", "dead", 3 * PAGE)
            if name == "beside":
                started = time.perf_counter()
                seed(r, keys, "noisy", "dead", foreign)
                cpu = redis_cpu_s(r)
                seed(r, keys, "noisy", "events", foreign)
                per_event = (redis_cpu_s(r) - cpu) * 1e6 / max(foreign, 1)
                print(
                    f"beside: seeded {foreign:,} dead letters and {foreign:,} events of "
                    f"another org in {time.perf_counter() - started:.1f}s (Redis CPU per event "
                    f"written, every copy: {per_event:.1f} us); the shared streams hold "
                    f"{r.xlen(keys.dead()):,} dead letters and {r.xlen(keys.events()):,} events "
                    "(alone: the quiet org's only); Redis memory used: "
                    f"{int(r.info('memory')['used_memory']) / 2**20:,.0f} MiB"
                )
            api = platform.start_api()
            client = stack.enter_context(httpx.Client(base_url=platform.api_url, timeout=30))
            reads[name] = _quiet_org(client)
            assert api.proc is not None
            meters[name] = CpuMeter(api.proc.pid, r)
        print(f"reads of the quiet org ({runs} requests each, ms; cpu: per request):")
        for read in reads["alone"]:
            print(read)
            pair = {name: reads[name][read] for name in platforms}
            for line in _timed_pair(pair, meters, runs):
                print(line)


def _quiet_org(client: httpx.Client) -> dict[str, Read]:
    """A token of the quiet org, its jobs (queued, then cancelled: two events each), and
    its reads."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    token = client.post("/v1/admin/tokens", json={"org_id": "quiet"}, headers=admin)
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    job_id = ""
    for i in range(PAGE + 10):
        body = {"app_version_id": "v1", "test_path": f"tests/t{i}.spec.js"}
        job_id = client.post("/v1/jobs", json=body).json()["id"]
        assert client.post(f"/v1/jobs/{job_id}/cancel").status_code == 200
    return _reads(client, job_id)


def _reads(client: httpx.Client, job_id: str) -> dict[str, Read]:
    def dead_page() -> None:
        got = client.get("/v1/dead-letters", params={"limit": PAGE})
        assert got.status_code == 200, got.text
        assert len(got.json()) == PAGE

    def dead_one() -> None:
        assert len(client.get("/v1/dead-letters", params={"limit": 1}).json()) == 1

    def job_events() -> None:  # the stream ends by itself after the job's last event
        assert _frames(client, f"/v1/jobs/{job_id}/events?last_event_id=0-0", 10) == 2

    def org_events() -> None:
        assert _frames(client, "/v1/events?last_event_id=0-0", PAGE) == PAGE

    def health() -> None:
        assert client.get("/healthz").status_code == 200

    return {
        f"GET /v1/dead-letters?limit={PAGE}": dead_page,
        "GET /v1/dead-letters?limit=1": dead_one,
        "GET /v1/jobs/{id}/events?last_event_id=0-0 (2 events, to its end)": job_events,
        f"GET /v1/events?last_event_id=0-0 (first {PAGE} events)": org_events,
        "GET /healthz": health,
    }


if __name__ == "__main__":
    main()
