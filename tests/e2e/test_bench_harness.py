"""The pipeline benchmark's harness, run at a tiny size: every row of its table has figures,
every job it submitted passed, and every process it started is gone when it returns."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import pid_alive
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"\d[\d,]*(\.\d+)?"
ROWS = [
    "single submit",
    "single submit, API alone",
    "end to end",
    "pickup latency",
    "status read",
    "CPU per job",
    "peak RSS",
    "Redis memory",
]


def _bench(out: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.throughput", "--tiny", "--out", str(out), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_tiny_run_prints_every_row_with_figures(out_dir: Path) -> None:
    started = time.monotonic()
    proc = _bench(out_dir)
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| \*\*(.+?)\*\*[^|]*\| ([^|]*) \|", stdout, re.MULTILINE)
    }
    for row in ROWS:
        assert re.search(NUMBER, rows.get(row, "")), f"row {row!r}: {rows.get(row)!r}"
    suite = rows.get("suite submit", "")
    assert "n/a (no endpoint)" in suite or re.search(NUMBER + " jobs/s", suite), suite
    assert re.search(r"\| \*\*all\*\* \| " + NUMBER, stdout), "no round-trip total"

    result = json.loads((out_dir / "throughput-latest.json").read_text())
    e2e = result["modes"]["aof off"]["end_to_end"]
    assert e2e["statuses"] == {"passed": 200}
    assert e2e["events_per_job"] >= 4  # queued, scheduled, running, passed
    rt = result["round_trips"]["batch"]["round_trips"]
    assert all(rt.get(stage, 0) > 0 for stage in ("submit", "group", "dispatch", "start"))
    assert rt["finish"] >= 1  # every job's result is written
    started_pids = [
        pid
        for pids in (result["modes"]["aof off"]["pids"], result["round_trips"]["pids"])
        for group in pids.values()
        for pid in group
    ]
    # per platform: redis, the scheduler, six workers, the API (its parent, two serving
    # processes and multiprocessing's resource tracker)
    assert len(started_pids) == 2 * (8 + 4)
    assert [p for p in started_pids if pid_alive(p)] == []
    print(f"\nbench harness, tiny run: {time.monotonic() - started:.1f}s")


def test_interrupted_run_stops_every_process(out_dir: Path) -> None:
    proc = _bench(out_dir)
    assert proc.stderr is not None
    pids: list[int] = []

    def services_up() -> bool:
        line = proc.stderr.readline() if proc.stderr else ""
        if "services ready, pids" in line:
            pids.extend(int(p) for p in line.split("pids", 1)[1].split())
        return bool(pids) or proc.poll() is not None

    wait_until(services_up, timeout=120, interval=0, what="the bench's services to start")
    assert pids, "the bench exited before its services were up"
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "every process the bench started was stopped" in stderr
    assert [p for p in pids if pid_alive(p)] == []
