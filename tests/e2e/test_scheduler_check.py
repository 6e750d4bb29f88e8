"""``qgjob-scheduler --check``, the scheduler's exec probe, against the real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.platform import Platform
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "qgjob_scheduler", "--check"]
    return subprocess.run(
        argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=30, check=False
    )


def test_check_follows_the_running_scheduler(platform: Platform, out_dir: Path) -> None:
    env = {
        "QGJOB_ALIVE_FILE": str(out_dir.resolve() / "tmp" / "scheduler.alive"),
        "QGJOB_ALIVE_MAX_AGE_S": "1.5",
    }
    before = _check(env)
    assert before.returncode == 1, "no scheduler has run yet"
    assert "has not started" in before.stderr

    scheduler = platform.start_scheduler(env=env)
    wait_until(lambda: _check(env).returncode == 0, timeout=30, what="a passing --check")

    assert scheduler.stop() == 0, scheduler.log_tail()
    stale = wait_until(
        lambda: (r := _check(env)).returncode == 1 and r, timeout=30, what="a failing --check"
    )
    assert "old" in stale.stderr


def test_check_without_a_configured_file_says_what_to_set() -> None:
    result = _check({"QGJOB_ALIVE_FILE": ""})
    assert result.returncode == 2
    assert "QGJOB_ALIVE_FILE" in result.stderr
    assert "Traceback" not in result.stderr
