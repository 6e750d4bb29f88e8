"""The scale benchmark at a tiny size (10 virtual workers, 100 jobs): its row has every
figure and they are sane, each target is printed with met or missed, every job it
submitted ended, and every process it started is gone when it returns."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import pid_alive

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
N = r"\d[\d,]*(?:\.\d+)?"
ROW = (
    rf"^\| 10 \| 100 \(10\) \| ({N}) ms \(\S+\) \| ({N}) ms \(\S+\) \| ({N}) / ({N}) / ({N}) "
    rf"\| ({N}) \| ({N}) / ({N}) / ({N}) \| ({N}) % \| ({N}) % \| ({N}) \(({N})\) \| ({N}) "
    rf"\| ({N}) idle, "
    rf"({N}) drain \|$"
)


def test_tiny_run_prints_a_row_with_sane_figures(out_dir: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--tiny", "--out", str(out_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    m = re.search(ROW, proc.stdout, re.MULTILINE)
    assert m, proc.stdout
    figures = [float(g.replace(",", "")) for g in m.groups()]
    longest, worst_p99, p50, p99, pass_max, idle_p50, burst, later, taken = figures[:9]
    assert 0 < worst_p99 <= longest < 1000
    assert 0 < p50 <= p99 <= pass_max < 5000 and 0 < idle_p50 < 1000
    assert burst > 0 and later >= 0 and taken > 0
    redis_cpu, cpu, cmds, reads, pickup_p99 = figures[9:14]
    assert 0 < redis_cpu <= cpu < 200 and 0 < reads <= cmds
    assert 0 < pickup_p99 < 10_000
    for target in (
        "no script call over",
        "grows with what changed",
        "dispatch >=.*every lane free at once",
        "dispatch >=.*while lanes keep coming free",
        "idle control",
    ):
        assert re.search(rf"^- .*{target}.*\*\*(met|missed)\*\*", proc.stdout, re.MULTILINE)

    result = json.loads((out_dir / "scale-latest.json").read_text())
    (size,) = result["sizes"]
    assert size["drain"]["groups_given"] >= 10  # every version's group (more when split)
    assert size["drain"]["scheduler"]["burst_given"] >= 1
    assert size["pickup"]["count"] == 5 and size["load_errors"] == {}
    assert {"script:heartbeat", "script:view"} <= set(size["commands"]["all"])
    assert "script:finish" in size["commands"]["drain"]
    pids = size["pids"]
    assert pids["redis"] and pids["scheduler"] and pids["api"] and pids["load"]
    assert [p for group in pids.values() for p in group if pid_alive(p)] == []
    print(f"\nscale bench, tiny run: {time.monotonic() - started:.1f}s")
