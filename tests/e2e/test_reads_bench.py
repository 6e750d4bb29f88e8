"""The reads benchmark at a tiny size: every read has a row per platform with figures, and
the load average it ran under is printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ROW = r"^  {} +p50 +[\d.]+ +p99 +[\d.]+ +max +[\d.]+ +cpu api +[\d.]+ redis +[\d.]+ "


def test_tiny_run_prints_both_platforms_for_every_read() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.reads", "--foreign", "2000", "--runs", "10"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "seeded 2,000 dead letters and 2,000 events" in out
    assert re.search(r"load average .* before: [\d.]+", out) and "after:" in out
    reads = re.findall(r"^GET \S+", out, re.MULTILINE)
    assert len(reads) == 5, out
    for platform in ("alone", "beside"):
        rows = re.findall(ROW.format(platform), out, re.MULTILINE)
        assert len(rows) == len(reads), out
