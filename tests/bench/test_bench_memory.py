"""The memory benchmark at a tiny size: every key is classified, the kinds and the
overheads add up to the used_memory growth, and each table is printed with figures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_tiny_run_accounts_for_the_growth(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--tiny", "--out", str(tmp_path)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    result = json.loads((tmp_path / "memory-latest.json").read_text())
    acc = result["accounting"]
    assert result["jobs"] == 300
    assert acc["unclassified"] == 0, out
    assert "unclassified" not in {row["kind"] for row in acc["kinds"]}
    kinds = {row["kind"]: row for row in acc["kinds"]}
    for kind in ("job", "events", "events_org", "idx_all"):
        assert kinds[kind]["freed_per_job"] > 0, kinds[kind]
    assert kinds["job"]["keys"] == 300
    # kinds and overheads within 5 % of the growth (the rest: reading noise)
    assert acc["growth"] > 0
    assert abs(acc["freed_residual"]) <= 0.05 * acc["growth"], acc["freed_residual"]
    assert abs(acc["residual"]) <= 0.25 * acc["growth"], acc["residual"]
    assert re.search(
        r"^\| \*\*used_memory growth\*\* .*\| \*\*[\d,.]+\*\* \| 100\.0 % \|$", out, re.M
    )
    assert re.search(r"^\| job: job record .*\| [\d,.]+ \| [\d.]+ % \|$", out, re.M)
    assert "### The job record field by field" in out
    assert re.search(r"^\| result \| 100\.0 % \|", out, re.M)
    exp = result["experiments"]
    assert exp["records"][0]["bytes_per_job"] > 0
    assert all("saving_per_job" in r for r in exp["records"])
    assert exp["drops"]["events"]["saving_per_job"] > 0
    assert "### Candidate reductions" in out
