"""BrowserStack App Automate: the build is uploaded once per app version for every
BrowserStack worker, and the test command runs against the cloud device.

* prepare: the ``bs://`` URL of the app version is looked up in Redis (shared by all
  BrowserStack workers); when there is none, one worker takes the upload lock and uploads
  (``POST /app-automate/upload``, ``custom_id`` = the app version) while the others wait for
  its URL. A URL is kept ``QGJOB_BROWSERSTACK_APP_TTL_S`` (BrowserStack deletes apps after
  30 days).
* run: waits for one of the plan's parallel sessions (``GET /app-automate/plan.json``,
  counted across workers in Redis), then runs the test command with
  ``BROWSERSTACK_APP_URL`` set. Output saying ``BROWSERSTACK_APP_DELETED`` drops the URL,
  uploads again and runs the test once more.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import structlog

from qgjob_schemas import JobResult, Outcome, RunJob
from qgjob_store import BrowserStackStore
from qgjob_worker.drivers.base import (
    READY,
    ConfigurationError,
    DeviceHealth,
    InfrastructureError,
    LocalBuild,
    LogSink,
    not_ready,
)
from qgjob_worker.drivers.browserstack_api import BrowserStackApi, Plan
from qgjob_worker.drivers.command import TestCommand
from qgjob_worker.drivers.registry import DriverContext

log = structlog.get_logger("qgjob.worker.browserstack")
APP_DELETED = "BROWSERSTACK_APP_DELETED"
POLL_S = 0.2
PLAN_CACHE_S = 30.0


class _DeletedWatch:
    """Passes output on and notices :data:`APP_DELETED`, even split across chunks."""

    def __init__(self, sink: LogSink) -> None:
        self._sink, self._carry, self.seen = sink, "", False

    async def __call__(self, text: str) -> None:
        window = self._carry + text
        self.seen = self.seen or APP_DELETED in window
        self._carry = window[-len(APP_DELETED) :]
        await self._sink(text)


class BrowserStackDriver:
    name = "browserstack"
    needs_build = True
    stages_files = True

    def __init__(self, ctx: DriverContext) -> None:
        s = ctx.settings
        if not s.browserstack_username or not s.browserstack_access_key:
            raise ConfigurationError(
                "the browserstack driver needs BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY"
            )
        self.api = BrowserStackApi(
            s.browserstack_api_url,
            s.browserstack_username,
            s.browserstack_access_key,
            timeout_s=s.install_timeout_s,
        )
        self.shared = BrowserStackStore(ctx.store)
        self.command = TestCommand(s)
        self.app_ttl_s = s.browserstack_app_ttl_s
        self.upload_wait_s = s.install_timeout_s
        self.queue_timeout_s = s.browserstack_queue_timeout_s
        self.session_ttl_s = s.run_timeout_s + 60
        self._builds: dict[str, LocalBuild] = {}
        self._plan: tuple[float, Plan] | None = None
        self._healthy_at = -PLAN_CACHE_S
        self._versions: list[str] = []

    # --- prepare: one upload per app version, for every worker --------------------------

    async def prepare(self, build: LocalBuild) -> bool:
        self._builds[build.app_version_id] = build
        _, uploaded = await self._app_url(build)
        self._remember(build.app_version_id)
        return uploaded

    async def _app_url(self, build: LocalBuild) -> tuple[str, bool]:
        """The app's ``bs://`` URL, and whether this call uploaded it."""
        org, version = build.org_id, build.app_version_id
        deadline = time.monotonic() + self.upload_wait_s
        while True:
            url = await self.shared.app_url(org, version)
            if url:
                return url, False
            token = await self.shared.lock_upload(org, version, ttl_s=self.upload_wait_s)
            if token is not None:
                try:
                    return await self._upload(build), True
                finally:
                    await self.shared.unlock_upload(org, version, token)
            if time.monotonic() > deadline:
                raise InfrastructureError(f"waited too long for the upload of {version}")
            await asyncio.sleep(POLL_S)

    async def _upload(self, build: LocalBuild) -> str:
        org, version = build.org_id, build.app_version_id
        url = await self.shared.app_url(org, version)
        if url:
            return url
        if build.path is None:
            raise InfrastructureError(f"no build file of {version} to upload")
        started = time.monotonic()
        url = await self.api.upload(build.path, custom_id=version)
        await self.shared.save_app_url(org, version, url, ttl_s=self.app_ttl_s)
        log.info(
            "app uploaded",
            app_version_id=version,
            app_url=url,
            seconds=round(time.monotonic() - started, 3),
        )
        return url

    def _remember(self, version: str) -> None:
        self._versions = [version, *[v for v in self._versions if v != version]][:8]

    # --- run -----------------------------------------------------------------------------

    async def run(self, job: RunJob, log_sink: LogSink) -> JobResult:
        build = self._builds.get(job.app_version_id) or LocalBuild(job.org_id, job.app_version_id)
        token = await self._take_session()
        try:
            result, deleted, url = await self._run_once(job, log_sink, build)
            if deleted and result.outcome is Outcome.FAILED:
                await log_sink(f"{APP_DELETED}: uploading {job.app_version_id} again\n")
                await self.shared.forget_app_url(job.org_id, job.app_version_id, url)
                result, deleted, _ = await self._run_once(job, log_sink, build)
            return result
        finally:
            await self.shared.give_session(token)

    async def _run_once(
        self, job: RunJob, log_sink: LogSink, build: LocalBuild
    ) -> tuple[JobResult, bool, str]:
        url, _ = await self._app_url(build)
        watch = _DeletedWatch(log_sink)
        env = {"BROWSERSTACK_APP_URL": url, "QGJOB_BROWSERSTACK_APP_URL": url}
        result = await self.command.run(job, watch, build=build, env=env)
        return result, watch.seen, url

    async def _take_session(self) -> str:
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.queue_timeout_s
        while True:
            plan = await self._current_plan()
            if await self.shared.take_session(
                token, limit=plan.max_parallel, ttl_s=self.session_ttl_s
            ):
                return token
            if time.monotonic() > deadline:
                raise InfrastructureError(
                    f"no free BrowserStack session within {self.queue_timeout_s:g}s "
                    f"(the plan allows {plan.max_parallel} at once)"
                )
            await asyncio.sleep(POLL_S * 5)

    async def _current_plan(self) -> Plan:
        now = time.monotonic()
        if self._plan is None or now - self._plan[0] > PLAN_CACHE_S:
            self._plan = (now, await self.api.plan())
        return self._plan[1]

    # --- the rest ------------------------------------------------------------------------

    async def evict(self, app_version_id: str) -> None:
        """Uploaded apps stay for every worker until BrowserStack deletes them."""
        self._versions = [v for v in self._versions if v != app_version_id]

    async def health(self) -> DeviceHealth:
        """The API answers (asked at most every ``PLAN_CACHE_S`` while it does)."""
        now = time.monotonic()
        if now - self._healthy_at < PLAN_CACHE_S:
            return READY
        problem = await self.api.unreachable()
        if problem:
            return not_ready(problem)
        self._healthy_at = now
        return READY

    def installed_versions(self) -> list[str]:
        return list(self._versions)

    async def aclose(self) -> None:
        await self.api.aclose()


def create(ctx: DriverContext) -> BrowserStackDriver:
    return BrowserStackDriver(ctx)
