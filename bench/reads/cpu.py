"""CPU time an API process and its redis-server spent over a run of requests: what a read
costs whatever else the machine is doing (wall-clock times include waiting for a core)."""

from __future__ import annotations

import os
from pathlib import Path

import redis

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def redis_cpu_s(r: redis.Redis) -> float:
    info = r.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class CpuMeter:
    def __init__(self, pid: int, r: redis.Redis) -> None:
        self.pid, self.r = pid, r
        self._api, self._redis = 0.0, 0.0

    def start(self) -> None:
        self._api, self._redis = _process_cpu_s(self.pid), redis_cpu_s(self.r)

    def per_request(self, requests: int) -> str:
        """``api X ms, redis Y ms`` of CPU per request since :meth:`start`; restarts."""
        api, red = _process_cpu_s(self.pid) - self._api, redis_cpu_s(self.r) - self._redis
        self.start()
        return f"cpu api {api * 1000 / requests:5.2f} redis {red * 1000 / requests:5.2f}"
