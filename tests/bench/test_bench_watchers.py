"""The live watchers benchmark at a tiny size: its table has figures, no watcher missed or
got twice an event the store holds for its suite, and every process it started is gone."""

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
NUMBER = r"\d[\d,]*(?:\.\d+)?"
ROW = re.compile(
    rf"^\| (?P<watchers>{NUMBER}) \| (?P<rate>{NUMBER}) \| (?P<frames>{NUMBER}) "
    rf"\| (?P<p50>{NUMBER}) / (?P<p99>{NUMBER}) / (?P<max>{NUMBER}) "
    rf"\| (?P<cpu>{NUMBER}) µs \| (?P<pct>{NUMBER}) % \| (?P<missed>{NUMBER}) "
    rf"\| (?P<dup>{NUMBER}) \|$",
    re.MULTILINE,
)


def _n(text: str) -> float:
    return float(text.replace(",", ""))


def test_tiny_run_prints_figures_and_misses_nothing(out_dir: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.watchers", "--tiny", "--out", str(out_dir)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    row = ROW.search(proc.stdout)
    assert row, proc.stdout
    assert _n(row["watchers"]) == 20
    # paced at 50 jobs/s: on a busy machine fewer finish, never many more
    assert 5 <= _n(row["rate"]) <= 60, row["rate"]
    assert _n(row["frames"]) > 0
    assert 0 < _n(row["p50"]) <= _n(row["p99"]) <= _n(row["max"])
    assert _n(row["cpu"]) > 0 and _n(row["pct"]) > 0
    assert _n(row["missed"]) == 0 and _n(row["dup"]) == 0, proc.stdout
    assert re.search(r"target: .* \*\*(met|missed)\*\* \(" + NUMBER + " ms\\)", proc.stdout)

    result = json.loads((out_dir / "watchers-latest.json").read_text())
    assert result["foreign"] == 0 and result["unfinished_suites"] == 0, result["problems"]
    assert result["events_expected"] > 0
    assert result["following"]["mean"] > 0
    started_pids = [pid for group in result["pids"].values() for pid in group]
    # redis, the scheduler, six workers, one API process, one load process
    assert len(started_pids) == 10
    assert [p for p in started_pids if pid_alive(p)] == []
    print(f"\nwatchers bench, tiny run: {time.monotonic() - started:.1f}s")
