"""CPU time and peak memory of processes, read from ``/proc`` (Linux)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BENCH = "bench (load generator)"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            stat = f.read()
    except OSError:
        return 0.0
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs (an API serving with several processes)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *descendants(kid)]
    return out


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size (``VmHWM``) in MiB, 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


@dataclass(frozen=True)
class CpuUse:
    """CPU used by each group of processes over a window."""

    wall_s: float
    cpu_s: dict[str, float]

    @property
    def cores(self) -> dict[str, float]:
        """CPU seconds per wall-clock second (2.0 = both cores of this machine)."""
        return {k: round(v / self.wall_s, 2) for k, v in self.cpu_s.items()}

    def ms_per(self, units: int) -> dict[str, float]:
        """CPU milliseconds per unit of work (a job, a request): less sensitive to other
        load on the machine than rates are."""
        return {k: round(v * 1000 / units, 3) for k, v in self.cpu_s.items()} if units else {}

    def figures(self, units: int) -> dict[str, dict[str, float]]:
        return {"cores": self.cores, "cpu_ms_per_unit": self.ms_per(units)}


@dataclass
class CpuWindow:
    """CPU used by named groups of processes between :meth:`start` and :meth:`stop`; the
    bench's own process with the load generators it ran is one more group."""

    groups: Mapping[str, list[int]]
    _t0: float = 0.0
    _cpu0: dict[str, float] | None = None

    def _sample(self) -> dict[str, float]:
        out = {name: sum(cpu_seconds(p) for p in pids) for name, pids in self.groups.items()}
        t = os.times()  # with the children it waited for: the wrk runs
        out[BENCH] = t.user + t.system + t.children_user + t.children_system
        return out

    def start(self) -> CpuWindow:
        self._t0, self._cpu0 = time.monotonic(), self._sample()
        return self

    def stop(self) -> CpuUse:
        assert self._cpu0 is not None, "start() first"
        wall = max(time.monotonic() - self._t0, 1e-9)
        end = self._sample()
        return CpuUse(wall, {name: end[name] - self._cpu0[name] for name in end})
