"""The platform of a scale run: redis-server, the API (one process) and the scheduler, as
bench/throughput starts them, but no worker processes: the load processes play the
workers."""

from __future__ import annotations

import math
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

import orjson
import redis

from bench.scale.config import ScaleConfig
from bench.scale.load import worker_id
from bench.throughput.services import BenchPlatform, console_script
from tests.support.processes import Service, python_module
from tests.support.waiting import wait_until

MAX_CLIENTS = 19_000
"""Two connections per virtual worker (its hot path, its blocking read) and the services':
above redis-server's default 10,000 at 5,000 workers (the fd limit here is 20,000)."""


class ScalePlatform(BenchPlatform):
    def __init__(self, workdir: Path, config: ScaleConfig) -> None:
        super().__init__(workdir, aof=False)
        self.config = config
        self.loads: list[Service] = []

    def start_redis(self) -> None:
        super().start_redis()
        with redis.Redis.from_url(self.redis_url) as r:
            r.config_set("maxclients", MAX_CLIENTS)

    def start_services(self, urls: Mapping[str, str] | None = None) -> None:
        """The API with one serving process and the scheduler, whose per-pass debug line
        (``dispatch pass``, its ``ms``) gives the pass times."""
        api_env = {"QGJOB_PORT": str(self.port), "QGJOB_API_PROCESSES": "1"}
        self._add("api", [console_script("qgjob-api")], api_env, {})
        self._add(
            "scheduler", [console_script("qgjob-scheduler")], {"QGJOB_LOG_LEVEL": "debug"}, {}
        )
        wait_until(self._api_ready, timeout=60, what="the API to be ready")

    def start_workers(self, n: int) -> None:
        """``n`` virtual workers in ``ceil(n / workers_per_process)`` load processes; returns
        once every one has beaten (is in its target's registry with a live heartbeat)."""
        per = self.config.workers_per_process
        procs = max(1, math.ceil(n / per))
        log_dir = self.workdir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        for p in range(procs):
            first, count = p * n // procs, (p + 1) * n // procs - p * n // procs
            argv = python_module(
                "bench.scale.load",
                "--url", self.redis_url,
                "--first", str(first),
                "--count", str(count),
                "--test-s", str(self.config.test_s),
                "--install-s", str(self.config.install_s),
                "--out", str(self.workdir / f"load-{p}.json"),
            )  # fmt: skip
            env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
            self.loads.append(Service(f"load-{p}", argv, env, log_dir).start())
        ids = [worker_id(i)[0] for i in range(n)]
        wait_until(lambda: self._beating(ids), timeout=60 + n / 100, what=f"{n} workers beating")

    def _beating(self, ids: list[str]) -> bool:
        self.check_alive()
        dead = [s.name for s in self.loads if not s.alive]
        if dead:
            raise RuntimeError(f"load process(es) exited: {dead}\n{self.loads[0].log_tail()}")
        with redis.Redis.from_url(self.redis_url) as r:
            pipe = r.pipeline(transaction=False)
            for wid in ids:
                pipe.exists(self.keys.heartbeat(wid))
            return all(pipe.execute())

    def load_pids(self) -> list[int]:
        return [s.proc.pid for s in self.loads if s.proc is not None]

    def stop_workers(self) -> dict[str, list]:  # type: ignore[type-arg]
        """Stop the load processes; what they saw, merged."""
        merged: dict[str, list] = {"acquired": [], "beat_lag": [], "errors": []}  # type: ignore[type-arg]
        for s in self.loads:  # all at once: each writes its figures, then exits
            s.signal(signal.SIGTERM)
        for s in self.loads:
            s.stop(timeout=30, signalled=True)
        for p, s in enumerate(self.loads):
            path = self.workdir / f"load-{p}.json"
            if not path.exists():
                print(f"{s.name} left no figures:\n{s.log_tail()}", file=sys.stderr)
                continue
            stats = orjson.loads(path.read_bytes())
            merged["acquired"] += stats["acquired"]
            merged["beat_lag"] += stats["beat_lag"]
            merged["errors"] += list(stats["errors"].items())
        self.loads = []
        return merged

    def stop(self) -> None:
        for s in self.loads:
            s.stop(timeout=30)
        super().stop()
