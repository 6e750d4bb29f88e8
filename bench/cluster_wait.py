"""What ``QGJOB_STORE_WAIT_REPLICAS=1`` costs a submission on a Redis Cluster.

Starts the tests' cluster (three masters, three replicas, on loopback), then submits jobs
one at a time, each in its own call of ``JobStore.submit`` (the script ``POST /v1/jobs``
runs), without and with ``WAIT 1`` after it, in alternating rounds, and prints the latency
of each round: ``python -m bench.cluster_wait [--jobs N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from qgjob_schemas import JobPayload, Target
from qgjob_store import JobStore, Store
from tests.support.cluster import ClusterSetup

WARMUP = 50


async def _latencies(url: str, prefix: str, wait_replicas: int, jobs: int) -> list[float]:
    store = Store.open(url, prefix=prefix, wait_replicas=wait_replicas)
    try:
        submit = JobStore(store)
        out = []
        for i in range(WARMUP + jobs):
            payload = JobPayload(
                org_id="bench",
                app_version_id="A",
                test_path=f"t{i}.spec.js",
                target=Target.EMULATOR,
            )
            started = time.perf_counter()
            await submit.submit([submit.prepare(payload, 3)])
            if i >= WARMUP:
                out.append((time.perf_counter() - started) * 1000)
        return sorted(out)
    finally:
        await store.close()


async def _run(url: str, jobs: int, rounds: int) -> None:
    print("| round | QGJOB_STORE_WAIT_REPLICAS | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    for r in range(rounds):
        for wait in (0, 1):
            lat = await _latencies(url, f"bench-wait-{r}-{wait}", wait, jobs)
            p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
            print(f"| {r + 1} | {wait} | {statistics.median(lat):.2f} | {p99:.2f} |")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.cluster_wait", description=__doc__)
    p.add_argument("--jobs", type=int, default=500, help="submissions measured per round")
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cluster = ClusterSetup(Path(tmp)).start()
        try:
            asyncio.run(_run(cluster.url, a.jobs, a.rounds))
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
