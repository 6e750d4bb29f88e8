"""W1 for real: ``qgjob up`` (API, scheduler and 4 simulated workers per target in one
process) on a real redis-server, every simulated duration at 1/100 scale: 60 s installs
take 0.6 s, each test the duration its path names (``@31.2s``) times 0.01. The scheduler's
defaults and aging are scaled alike. Installs and makespan (scaled back) are compared
with the simulation of the same workload.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.scheduling.report import Row
from bench.scheduling.workloads import JobSpec, Workload, w1
from qgjob_schemas import JobPayload
from qgjob_store import JobStore, Store

SCALE = 0.01
AGREEMENT = 0.15
TERMINAL = ("passed", "failed", "dead", "cancelled")


@dataclass(frozen=True)
class LiveResult:
    installs: int
    makespan: float
    """Scaled back to simulated seconds."""
    wall_s: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


class _Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(self._answers, 15, "redis-server")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _env(w: Workload, prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "QGJOB_KEY_PREFIX": prefix,
        "QGJOB_SIM_TIME_SCALE": str(SCALE),
        "QGJOB_SIM_INSTALL_MS": str(int(w.install_s * 1000)),
        "QGJOB_APP_CACHE_SIZE": str(w.cache_size),
        "QGJOB_DEFAULT_TEST_S": str(60 * SCALE),
        "QGJOB_DEFAULT_INSTALL_S": str(60 * SCALE),
        "QGJOB_PRIORITY_AGING_S": str(300 * SCALE),
    }


def _payload(j: JobSpec) -> JobPayload:
    path = j.path.removesuffix(".spec.js") + f"@{j.duration:.3f}s.spec.js"
    return JobPayload(
        org_id=j.org,
        app_version_id=j.app,
        test_path=path,
        target=j.target,
        priority=j.priority,
    )


async def _submit(store: Store, w: Workload) -> list[str]:
    jobs = JobStore(store)
    ids: list[str] = []
    prepared = [jobs.prepare(_payload(j), 1) for j in w.jobs]
    for start in range(0, len(prepared), 500):
        ids += [j.id for j in await jobs.submit(prepared[start : start + 500])]
    return ids


async def _finished(store: Store, n: int) -> bool:
    stats = await JobStore(store).stats()
    return sum(stats.jobs_by_status.get(s, 0) for s in TERMINAL) >= n


async def _measure(store: Store, ids: list[str]) -> tuple[float, int]:
    async with store.redis.pipeline(transaction=False) as pipe:
        for jid in ids:
            pipe.hmget(store.keys.job(jid), "created_at", "finished_at")
        rows = await pipe.execute()
    first = min(float(c) for c, _ in rows)
    last = max(float(f) for _, f in rows)
    stats = await JobStore(store).stats()
    return last - first, stats.installs_done


async def _drive(url: str, prefix: str, w: Workload) -> tuple[float, int, float]:
    store = Store.open(url, prefix=prefix)
    try:
        started = time.monotonic()
        ids = await _submit(store, w)
        deadline = started + 3 * 3600 * SCALE * 10
        while not await _finished(store, len(ids)):
            if time.monotonic() > deadline:
                raise TimeoutError("the live run did not finish")
            await asyncio.sleep(0.5)
        makespan, installs = await _measure(store, ids)
        return makespan, installs, time.monotonic() - started
    finally:
        await store.close()


def run_live(w: Workload) -> LiveResult:
    if shutil.which("redis-server") is None:
        raise RuntimeError("the live run needs redis-server (apt-get install redis-server)")
    with tempfile.TemporaryDirectory(prefix="qgjob-bench-") as tmp:
        redis = _Redis(Path(tmp))
        port, prefix = _free_port(), f"bench{uuid.uuid4().hex[:8]}"
        log = Path(tmp) / "qgjob-up.log"
        argv = [sys.executable, "-m", "qgjob_cli", "up", "--port", str(port)]
        argv += ["--workers", str(max(w.workers.values())), "--redis-url", redis.url]
        with log.open("wb") as out:
            up = subprocess.Popen(argv, env=_env(w, prefix), stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(lambda: "qgjob is up" in log.read_text(), 60, "qgjob up")
            makespan, installs, wall = asyncio.run(_drive(redis.url, prefix, w))
        finally:
            up.send_signal(signal.SIGTERM)
            up.wait(60)
            redis.stop()
    return LiveResult(installs=installs, makespan=makespan / SCALE, wall_s=wall)


def _diff(live: float, sim: float) -> str:
    return f"{100 * (live - sim) / sim:+.1f} %"


def compare(sim: Row, *, seed: int) -> int:
    """Run W1 live, print it beside the simulation; 1 when they differ by more than 15 %."""
    w = w1(seed)
    print(f"\nLive W1 through `qgjob up` (real redis-server), durations x {SCALE:g}:", flush=True)
    result = run_live(w)
    agree = (
        abs(result.installs - sim.installs) <= AGREEMENT * sim.installs
        and abs(result.makespan - sim.makespan) <= AGREEMENT * sim.makespan
    )
    print("\n| W1, qgjob | simulation | live (x 100) | difference |\n|---|--:|--:|--:|")
    installs = _diff(result.installs, sim.installs)
    print(f"| installs | {sim.installs} | {result.installs} | {installs} |")
    print(
        f"| makespan | {sim.makespan:,.0f} s | {result.makespan:,.0f} s "
        f"| {_diff(result.makespan, sim.makespan)} |"
    )
    verdict = "within" if agree else "NOT within"
    took = f"the live run took {result.wall_s:.0f} s"
    print(f"\nLive and simulated agree {verdict} {AGREEMENT:.0%} ({took}).")
    return 0 if agree else 1
