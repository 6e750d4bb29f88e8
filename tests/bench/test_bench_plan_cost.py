"""``python -m bench.plan_cost`` prints a row per farm size, and each plan fills the free lanes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_plan_cost_prints_each_case() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.plan_cost", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| ")]
    cases = [[c.strip() for c in row] for row in rows[1:]]
    assert [(c[0], c[2], c[4]) for c in cases] == [
        ("100", "5", "5"),
        ("1,000", "20", "20"),
        ("5,000", "50", "50"),
        ("5,000", "0", "0"),
        ("2,000", "2000", "2000"),
        ("5,000", "0", "0"),  # a busy farm, nothing waiting
        ("5,000", "5000", "0"),  # an idle farm, nothing waiting
    ]
    assert all(float(c[3]) > 0 for c in cases)
