"""The driver interface: how a worker installs an app and runs a test on its target."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from qgjob_schemas import JobResult, RunJob

LogSink = Callable[[str], Awaitable[None]]
"""Where a driver writes the output of a run, as it comes."""


class InfrastructureError(Exception):
    """The app could not be installed, the device went away, the runner crashed: not the
    test's fault. The job is retried with backoff, then dead-lettered."""


class Driver(Protocol):
    name: str

    async def install(self, app_version_id: str) -> bool:
        """Make the app version available; ``True`` if it was installed now, ``False`` if it
        was already there. Raises :class:`InfrastructureError` when it cannot."""

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        """Run one test. A test that fails is a result (``failed``); a run that could not
        happen raises :class:`InfrastructureError`. Cancelling the task stops the test."""

    async def evict(self, app_version_id: str) -> None:
        """Uninstall an app version."""

    async def health(self) -> bool:
        """Whether the device is ready for work."""

    def installed_versions(self) -> list[str]:
        """App versions installed now, most recently used first."""
