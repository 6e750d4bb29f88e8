"""``python -m bench.prune_cost`` prints a row: a prune of a farm's consumers in several
short script calls, one per page of pending entries and per stream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_prune_cost_prints_a_row_of_several_calls() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.prune_cost", "--workers", "1800"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    (row,) = [line for line in out.splitlines() if line.startswith("| 1,800 ")]
    _, calls, longest, total, wall = (c.strip() for c in row.split("|")[1:-1])
    # 600 pending entries a target: two pages of 500 each, and the jobs stream's call
    assert int(calls) == 1 + 3 * 2
    assert 0 < float(longest) <= float(total) < float(wall) * 10
