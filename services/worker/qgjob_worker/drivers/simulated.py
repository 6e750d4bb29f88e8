"""A driver that simulates installs and tests, deterministic enough for tests and demos.

Outcome rules, by the test path:

* contains ``fail`` → the test fails;
* contains ``flaky`` → fails on a job's first run, passes on every later run;
* contains ``infra`` → infrastructure error on every run (retried, then dead);
* contains ``hang`` → never finishes (ends by the run timeout or a cancel);
* anything else passes, except for an injected infrastructure error on a share
  ``sim_error_rate`` of runs, picked by a hash of seed, job id and attempt.

Installs take ``sim_install_ms``, tests ``sim_test_ms``, or the duration the path names
(``login@42.5s.spec.js``, ``cart@800ms.spec.js``); ``sim_time_scale`` multiplies both. The
device keeps ``app_cache_size`` versions (LRU): installing a version already there is
skipped, and the least recently used is uninstalled when a new one does not fit.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections import OrderedDict

from qgjob_schemas import JobResult, Outcome, RunJob
from qgjob_worker.drivers.base import READY, DeviceHealth, InfrastructureError, LocalBuild, LogSink
from qgjob_worker.drivers.registry import DriverContext

_DURATION = re.compile(r"@(\d+(?:\.\d+)?)(ms|s)(?![A-Za-z])")


def path_duration(path: str) -> float | None:
    """The test duration a path names (``@42.5s``, ``@800ms``), in seconds."""
    match = _DURATION.search(path)
    if match is None:
        return None
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def _draw(*parts: object) -> float:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class SimulatedDriver:
    name = "simulated"
    needs_build = False
    stages_files = False  # its runs write no files

    def __init__(
        self,
        *,
        install_ms: int = 300,
        test_ms: int = 200,
        error_rate: float = 0.0,
        install_error_rate: float = 0.0,
        seed: int = 0,
        cache_size: int = 4,
        time_scale: float = 1.0,
        needs_build: bool = False,
    ) -> None:
        self.needs_build = needs_build
        self.time_scale = time_scale
        self.install_s = install_ms / 1000 * time_scale
        self.test_s = test_ms / 1000
        self.error_rate = error_rate
        self.install_error_rate = install_error_rate
        self.seed = seed
        self.cache_size = cache_size
        self._installed: OrderedDict[str, None] = OrderedDict()
        self._runs: dict[str, int] = {}
        self._installs = 0

    async def prepare(self, build: LocalBuild) -> bool:
        app_version_id = build.app_version_id
        if app_version_id in self._installed:
            self._installed.move_to_end(app_version_id)
            return False
        self._installs += 1
        if self.install_s:
            await asyncio.sleep(self.install_s)
        if _draw(self.seed, "install", app_version_id, self._installs) < self.install_error_rate:
            raise InfrastructureError(f"simulated install of {app_version_id} failed")
        self._installed[app_version_id] = None
        while len(self._installed) > self.cache_size:
            oldest = next(iter(self._installed))
            await self.evict(oldest)
        return True

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        runs = self._runs[job.id] = self._runs.get(job.id, 0) + 1
        started = time.monotonic()
        await log(f"$ simulated run {job.test_path} (attempt {job.attempts}, run {runs})\n")
        path = job.test_path
        if "hang" in path:
            await asyncio.Event().wait()
        named = path_duration(path)
        seconds = (self.test_s if named is None else named) * self.time_scale
        if seconds:
            await asyncio.sleep(seconds)
        if "infra" in path or _draw(self.seed, job.id, job.attempts, runs) < self.error_rate:
            await log("device connection lost\n")
            raise InfrastructureError("simulated device connection lost")
        failed = "fail" in path or ("flaky" in path and runs == 1)
        outcome = Outcome.FAILED if failed else Outcome.PASSED
        line = f"{path}: {'1 failed' if failed else '1 passed'}\n"
        await log(line)
        return JobResult(
            outcome=outcome,
            message="assertion failed" if failed else "",
            duration_s=round(time.monotonic() - started, 3),
            log_tail=line,
        )

    async def evict(self, app_version_id: str) -> None:
        self._installed.pop(app_version_id, None)

    async def health(self) -> DeviceHealth:
        return READY

    def installed_versions(self) -> list[str]:
        return list(reversed(self._installed))

    async def aclose(self) -> None:
        return None


def create(ctx: DriverContext) -> SimulatedDriver:
    s = ctx.settings
    return SimulatedDriver(
        install_ms=s.sim_install_ms,
        test_ms=s.sim_test_ms,
        error_rate=s.sim_error_rate,
        install_error_rate=s.sim_install_error_rate,
        seed=s.sim_seed,
        cache_size=s.app_cache_size,
        time_scale=s.sim_time_scale,
        needs_build=s.sim_fetch_builds,
    )
