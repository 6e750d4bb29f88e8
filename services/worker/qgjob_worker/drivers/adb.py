"""Android emulators and devices over adb: the worker owns one device (``QGJOB_ADB_SERIAL``).

* health: ``adb -s SERIAL get-state`` is ``device`` and ``getprop sys.boot_completed`` is 1;
* prepare: the version on the device is read with ``dumpsys package``: when it is the app
  version asked for (its ``versionName``, or what this driver installed last), nothing is
  installed; otherwise ``adb install -r -t -g`` (an ``INSTALL_FAILED_UPDATE_INCOMPATIBLE`` or
  ``..._VERSION_DOWNGRADE`` is answered by uninstalling first, once);
* run: the test command with ``ANDROID_SERIAL`` set; a device that went offline meanwhile
  makes the run an infrastructure error (:class:`DeviceOfflineError`), whatever the command
  said;
* evict: ``adb uninstall``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import structlog

from qgjob_schemas import JobResult, RunJob
from qgjob_worker.drivers.base import (
    READY,
    ConfigurationError,
    DeviceHealth,
    DeviceOfflineError,
    InfrastructureError,
    LocalBuild,
    LogSink,
    not_ready,
)
from qgjob_worker.drivers.command import TestCommand
from qgjob_worker.drivers.registry import DriverContext

OFFLINE_PATTERNS = ("device offline", "not found", "no devices", "device unauthorized")
INSTALL_FAILURE = re.compile(r"Failure \[((?:INSTALL|DELETE)_[A-Z_]+)(?::\s*([^\]]*))?\]")
REINSTALL_AFTER_UNINSTALL = (
    "INSTALL_FAILED_UPDATE_INCOMPATIBLE",
    "INSTALL_FAILED_VERSION_DOWNGRADE",
)
PACKAGE_RE = re.compile(r"^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$")

log = structlog.get_logger("qgjob.worker.adb")


@dataclass(frozen=True)
class Installed:
    """What ``dumpsys package`` says of the app on the device."""

    version_name: str
    version_code: str
    last_update: str


def parse_dumpsys(text: str) -> Installed | None:
    def field(name: str) -> str:
        m = re.search(rf"\b{name}=(\S+(?: \S+:\S+)?)", text)
        return m.group(1) if m else ""

    code = field("versionCode")
    if not code:
        return None
    return Installed(field("versionName"), code, field("lastUpdateTime"))


class Adb:
    """adb commands for one device, each with a timeout; an offline device raises
    :class:`DeviceOfflineError`."""

    def __init__(self, path: str, serial: str, *, timeout_s: float) -> None:
        self.path, self.serial, self.timeout_s = path, serial, timeout_s

    async def __call__(self, *args: str, timeout_s: float | None = None) -> tuple[int, str]:
        argv = [self.path, "-s", self.serial, *args]
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
        except OSError as exc:
            raise InfrastructureError(f"cannot run {self.path!r}: {exc.strerror or exc}") from None
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), timeout_s or self.timeout_s)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise InfrastructureError(f"adb {args[0]} on {self.serial} timed out") from None
        text = out.decode("utf-8", "replace")
        if proc.returncode != 0 and any(p in text for p in OFFLINE_PATTERNS):
            raise DeviceOfflineError(f"device {self.serial} is offline: {text.strip()[:200]}")
        return proc.returncode or 0, text

    async def state(self) -> str:
        code, out = await self("get-state")
        return out.strip() if code == 0 else "unknown"


class AdbDriver:
    name = "adb"
    needs_build = True
    stages_files = True

    def __init__(self, ctx: DriverContext) -> None:
        s = ctx.settings
        if not s.adb_serial:
            raise ConfigurationError(
                "QGJOB_ADB_SERIAL is not set: give the serial of the device or emulator this "
                "worker owns (`adb devices` lists them)"
            )
        self.adb = Adb(s.adb_path, s.adb_serial, timeout_s=s.adb_timeout_s)
        self.install_timeout_s = s.install_timeout_s
        self.default_package = s.adb_package
        self.command = TestCommand(s)
        self._builds: dict[str, LocalBuild] = {}
        self._installed: dict[str, Installed] = {}
        """App versions this driver installed, and how the device showed each right after."""
        self._current: str | None = None
        self.health_problem = ""
        """Why the device was not ready at the last health check (adb's output)."""

    # --- health ---------------------------------------------------------------------

    async def health(self) -> DeviceHealth:
        problem = await self._health_problem()
        if problem != self.health_problem:
            # once per change: adb's own words, next to the worker's "device not ready"
            if problem:
                log.warning("adb: device not ready", serial=self.adb.serial, adb=problem)
            self.health_problem = problem
        return not_ready(problem) if problem else READY

    async def _health_problem(self) -> str:
        """What adb says is wrong with the device; empty when it is ready."""
        try:
            code, out = await self.adb("get-state")
            if code != 0 or out.strip() != "device":
                return f"get-state: {out.strip() or f'exit code {code}'}"
            code, out = await self.adb("shell", "getprop", "sys.boot_completed")
        except InfrastructureError as exc:
            return str(exc)
        if code != 0 or out.strip() != "1":
            return f"not booted: sys.boot_completed is {out.strip()!r}"
        return ""

    # --- install --------------------------------------------------------------------

    async def prepare(self, build: LocalBuild) -> bool:
        package = self._package(build)
        if build.path is None or build.path.suffix.lower() != ".apk":
            name = build.path.name if build.path else "no file"
            raise ConfigurationError(
                f"app version {build.app_version_id}: adb installs .apk files, not {name}"
            )
        self._builds[build.app_version_id] = build
        if await self._is_on_device(package, build.app_version_id):
            self._current = build.app_version_id
            return False
        await self._install(build.path.as_posix(), package)
        after = await self._dumpsys(package)
        if after is None:
            raise InfrastructureError(f"{package} is not on {self.adb.serial} after install")
        self._installed = {build.app_version_id: after}
        self._current = build.app_version_id
        return True

    def _package(self, build: LocalBuild) -> str:
        package = build.package or self.default_package
        if not package or not PACKAGE_RE.match(package):
            raise ConfigurationError(
                f"app version {build.app_version_id}: no Android package name; register the "
                "build with --package com.example.app, or set QGJOB_ADB_PACKAGE"
            )
        return package

    async def _dumpsys(self, package: str) -> Installed | None:
        code, out = await self.adb("shell", "dumpsys", "package", package)
        if code != 0:
            raise InfrastructureError(f"dumpsys package failed on {self.adb.serial}: {out[:200]}")
        return parse_dumpsys(out) if f"Package [{package}]" in out else None

    async def _is_on_device(self, package: str, version: str) -> bool:
        now = await self._dumpsys(package)
        if now is None:
            self._installed.clear()
            self._current = None
            return False
        return now.version_name == version or self._installed.get(version) == now

    async def _install(self, path: str, package: str) -> None:
        failure = await self._try_install(path)
        if failure and failure[0] in REINSTALL_AFTER_UNINSTALL:
            await self.adb("uninstall", package)
            failure = await self._try_install(path)
        if failure:
            raise InfrastructureError(failure[1])

    async def _try_install(self, path: str) -> tuple[str, str] | None:
        """``None`` on success, else the ``INSTALL_FAILED_*`` code and a message."""
        code, out = await self.adb(
            "install", "-r", "-t", "-g", path, timeout_s=self.install_timeout_s
        )
        if code == 0 and "Success" in out:
            return None
        m = INSTALL_FAILURE.search(out)
        reason = m.group(1) if m else "INSTALL_FAILED_UNKNOWN"
        detail = (m.group(2) or "").strip() if m else out.strip()[-300:]
        message = f"adb install on {self.adb.serial} failed: {reason}"
        return reason, message + (f" ({detail})" if detail else "")

    # --- run and evict --------------------------------------------------------------

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        build = self._builds.get(job.app_version_id)
        env = {"ANDROID_SERIAL": self.adb.serial}
        result = await self.command.run(job, log, build=build, env=env)
        state = await self._state_after_run()
        if state != "device":
            await log(f"device {self.adb.serial} went {state} during the run\n")
            raise DeviceOfflineError(f"device {self.adb.serial} went {state} during the run")
        return result

    async def _state_after_run(self) -> str:
        try:
            return await self.adb.state()
        except DeviceOfflineError:
            return "offline"

    async def evict(self, app_version_id: str) -> None:
        build = self._builds.get(app_version_id)
        if build is None or self._current != app_version_id:
            return
        code, out = await self.adb("uninstall", self._package(build))
        if code != 0 and "not installed" not in out.lower():
            raise InfrastructureError(f"adb uninstall on {self.adb.serial} failed: {out[:200]}")
        self._installed.pop(app_version_id, None)
        self._current = None

    def installed_versions(self) -> list[str]:
        return [self._current] if self._current else []

    async def aclose(self) -> None:
        return None


def create(ctx: DriverContext) -> AdbDriver:
    return AdbDriver(ctx)
