"""The liveness marker behind ``qgjob-scheduler --check``."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from qgjob_core import alive
from tests.support.waiting import async_wait_until


def test_check_passes_for_a_fresh_file_and_fails_for_a_stale_one(tmp_path: Path) -> None:
    marker = tmp_path / "run" / "alive"
    alive.touch(marker)
    assert alive.check(str(marker), max_age_s=5)[0] == alive.OK
    old = time.time() - 60
    os.utime(marker, (old, old))
    code, message = alive.check(str(marker), max_age_s=5)
    assert code == alive.STALE
    assert "old" in message


def test_check_fails_when_the_file_is_missing_or_not_configured(tmp_path: Path) -> None:
    code, message = alive.check(str(tmp_path / "never-written"), max_age_s=5)
    assert code == alive.STALE
    assert "not started" in message
    code, message = alive.check("", max_age_s=5)
    assert code == alive.NOT_CONFIGURED
    assert "QGJOB_ALIVE_FILE" in message


async def test_keep_touching_refreshes_the_file_until_stopped(tmp_path: Path) -> None:
    marker = tmp_path / "alive"
    stop = asyncio.Event()
    task = asyncio.create_task(alive.keep_touching(marker, 0.02, stop))

    async def written() -> bool:
        return marker.exists()

    await async_wait_until(written, timeout=5, what="the marker file")
    old = time.time() - 60
    os.utime(marker, (old, old))

    async def touched_again() -> bool:
        return (alive.age_s(marker) or 60.0) < 30

    await async_wait_until(touched_again, timeout=5, what="the marker touched again")
    stop.set()
    await asyncio.wait_for(task, 5)
