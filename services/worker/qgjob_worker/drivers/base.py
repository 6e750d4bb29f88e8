"""The driver interface: how a worker installs an app and runs a test on its target.

Errors a driver raises, and what the worker makes of them::

    DriverError
    ├── InfrastructureError     not the test's fault: retried with backoff, then dead
    │   └── DeviceOfflineError  the device is gone: retried elsewhere; the worker stops
    │                           taking work until health() is ready again
    └── ConfigurationError      no retry can help (credentials refused, a build no device of
                                this target can install): the job is dead at once

A test that ran and failed is not an error: it is a result (``failed``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qgjob_schemas import JobResult, RunJob

LogSink = Callable[[str], Awaitable[None]]
"""Where a driver writes the output of a run, as it comes."""


class DriverError(Exception):
    """Base of the errors a driver raises."""


class InfrastructureError(DriverError):
    """The app could not be installed, the device went away, the runner crashed: not the
    test's fault. The job is retried with backoff, then dead-lettered."""


class DeviceOfflineError(InfrastructureError):
    """The device went offline or away. Retried (on another device, likely)."""


class ConfigurationError(DriverError):
    """Retrying cannot help: the job ends ``dead`` at once with this message. Raised at
    start-up too, for settings a driver cannot work with."""


@dataclass(frozen=True)
class LocalBuild:
    """The build a driver installs: the app version, and the local file (fetched from the
    registered build or the job's ``app_url``) when the driver asked for one
    (``needs_build``)."""

    org_id: str
    app_version_id: str
    path: Path | None = None
    sha256: str = ""
    package: str | None = None
    """Android package name, when the build's registration gave one."""


@dataclass(frozen=True)
class DeviceHealth:
    """A health check's verdict, with the reason when the device is not ready: the worker
    registry shows it (``GET /v1/workers``, ``qgjob workers``, the dashboard), so it should
    be the tool's own words (adb's error line, the API's status), not a paraphrase."""

    ready: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ready


READY = DeviceHealth(True)


def not_ready(reason: str) -> DeviceHealth:
    return DeviceHealth(False, reason)


class Driver(Protocol):
    name: str
    needs_build: bool
    """Whether :meth:`prepare` needs the build file (the worker fetches it first)."""
    stages_files: bool
    """Whether a run may leave files in the artifact folder's staging area (the worker
    publishes or discards them after the result; a driver that never writes any spares it
    that step, a thread hand-off per job)."""

    async def prepare(self, build: LocalBuild) -> bool:
        """Make the app version ready to test: ``True`` if it was installed now, ``False``
        if it was already there. Raises a :class:`DriverError` when it cannot."""

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        """Run one test. A test that fails is a result (``failed``); a run that could not
        happen raises a :class:`DriverError`. Cancelling the task stops the test and
        everything it started."""

    async def evict(self, app_version_id: str) -> None:
        """Uninstall an app version."""

    async def health(self) -> DeviceHealth:
        """Whether the device is ready for work, and why not when it is not; the worker takes
        no work while it is not."""

    def installed_versions(self) -> list[str]:
        """App versions installed now, most recently used first."""

    async def aclose(self) -> None:
        """Release what the driver holds (connections, clients)."""
