"""A liveness marker for a service without an HTTP port.

The running service touches a file every few seconds from its event loop; ``--check`` (a
Kubernetes exec probe run in the same container) passes while the file is younger than a
maximum age. A blocked event loop stops the touching, so the probe fails and the container
is restarted; an unreachable store does not (the service waits it out with backoff, and a
restart would not help).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from qgjob_core.lifecycle import wait_or_stop

OK, STALE, NOT_CONFIGURED = 0, 1, 2
"""Exit codes of a ``--check``: alive, stale or missing, no marker file configured."""


def touch(path: Path) -> None:
    """Create ``path`` (and its folder) or refresh its modification time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)


def age_s(path: Path, now: float | None = None) -> float | None:
    """Seconds since ``path`` was last touched, or ``None`` when it does not exist."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - mtime)


async def keep_touching(path: Path, interval_s: float, stop: asyncio.Event) -> None:
    """Touch ``path`` every ``interval_s`` until ``stop`` is set."""
    touch(path)
    while not await wait_or_stop(stop, interval_s):
        touch(path)


def check(path_setting: str, max_age_s: float) -> tuple[int, str]:
    """The exit code and message of a ``--check`` of the marker named by a setting."""
    if not path_setting:
        return NOT_CONFIGURED, "no liveness file configured (set QGJOB_ALIVE_FILE)"
    age = age_s(Path(path_setting))
    if age is None:
        return STALE, f"{path_setting} does not exist: the service has not started"
    if age > max_age_s:
        return STALE, f"{path_setting} is {age:.1f}s old (more than {max_age_s:g}s)"
    return OK, f"alive ({age:.1f}s ago)"
