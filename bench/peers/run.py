"""Each peer in turn, on a fresh redis-server (AOF off) on a free port: start its worker,
warm it up, enqueue the jobs with one producer while the worker runs them, wait until the
broker holds nothing undone, stop the worker and add up what each worker process counted."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import redis

from bench.peers.completions import COUNTS_DIR, REDIS_URL, read_all
from bench.throughput.procstats import cpu_seconds
from tests.support.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
PEERS = {
    "Celery": ("bench.peers.celery_peer", "celery"),
    "taskiq": ("bench.peers.taskiq_peer", "taskiq-redis"),
    "Dramatiq": ("bench.peers.dramatiq_peer", "dramatiq"),
}
WARMUP = 200


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class PeerWorker:
    """The peer's worker command as a process group of its own."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv,
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def pids(self) -> list[int]:
        """Every live process of the worker's session (the parent and its children)."""
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2 :].split()[3]) == self.proc.pid:
                    out.append(int(entry))
        return out

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = 30) -> None:
        """SIGTERM to the parent (each peer's warm shutdown); its children may still be
        finishing when it exits, so wait for the whole session, then SIGKILL what is left."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while (self.alive() or self.pids()) and time.monotonic() < deadline:
            self.proc.poll()
            time.sleep(0.05)
        for pid in self.pids():
            os.kill(pid, signal.SIGKILL)
        if self.alive():
            self.proc.wait(10)


def _produce(module: str, n: int, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.peers.produce", module, str(n)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return times


def _wait_drained(module: Any, r: redis.Redis, worker: PeerWorker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not module.drained(r):
        if not worker.alive():
            raise RuntimeError("the peer's worker exited")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the peer left work undone after {timeout:g}s")
        time.sleep(0.02)


def _wait_counted(counts: Path, n: int, timeout: float = 30) -> dict[str, float]:
    """Wait until the worker processes have written ``n`` completions (they write within
    100 ms of a change); more than ``n`` is an error."""
    deadline = time.monotonic() + timeout
    while (done := read_all(counts))["count"] < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{done['count']} tasks counted after {timeout:g}s, {n} sent")
        time.sleep(0.05)
    if done["count"] > n:
        raise RuntimeError(f"{done['count']} tasks counted, {n} sent")
    return done


def run_peer(name: str, jobs: int, workdir: Path) -> dict[str, Any]:
    module_name, dist = PEERS[name]
    folder = workdir / name
    counts = folder / "counts"
    counts.mkdir(parents=True, exist_ok=True)
    server = RedisServer(folder / "redis")
    server.start()
    env = {**os.environ, REDIS_URL: server.url, COUNTS_DIR: str(counts), "PYTHONPATH": str(ROOT)}
    module = importlib.import_module(module_name)
    worker = PeerWorker(module.worker_argv(), env, folder / "worker.log")
    r = redis.Redis.from_url(server.url)
    try:
        _produce(module_name, WARMUP, env)
        _wait_drained(module, r, worker, 120)
        _wait_counted(counts, WARMUP)
        redis_pid = server.proc.pid if server.proc else 0
        cpu0, redis0 = worker.cpu(), cpu_seconds(redis_pid)
        times = _produce(module_name, jobs, env)
        _wait_drained(module, r, worker, 600)
        cpu, redis_cpu = worker.cpu() - cpu0, cpu_seconds(redis_pid) - redis0
        done = _wait_counted(counts, WARMUP + jobs)
    finally:
        worker.stop(grace=10)
        r.close()
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)
    return {
        "version": f"{dist} {version(dist)}",
        "jobs": jobs,
        "enqueue_per_s": round(jobs / (times["ended"] - times["started"]), 1),
        "process_per_s": round(jobs / (done["last"] - times["started"]), 1),
        "seconds": round(done["last"] - times["started"], 3),
        "worker_processes": done["processes"],
        "worker_cpu_ms_per_job": round(cpu * 1000 / jobs, 3),
        "redis_cpu_ms_per_job": round(redis_cpu * 1000 / jobs, 3),
        "config": (module.__doc__ or "").strip().split("\n\n", 1)[-1].replace("\n", " "),
    }
