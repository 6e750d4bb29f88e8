"""The test command as the real drivers run it: per-run folders, placeholders, environment."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from pathlib import Path

from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import JobResult, RunJob
from qgjob_worker.drivers.base import ConfigurationError, LocalBuild, LogSink
from qgjob_worker.drivers.runner import CommandRunner, Invocation, safe_test_path
from qgjob_worker.settings import WorkerSettings

PRUNE_EVERY_S = 3600.0
HIDDEN_ENV_PREFIX = "QGJOB_"
"""The worker's own settings (store URL, credentials) are not passed to the test command;
the ``QGJOB_*`` variables it gets describe the job."""


def child_env(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith(HIDDEN_ENV_PREFIX)}
    env.update(extra)
    return env


class TestCommand:
    """Runs ``QGJOB_TEST_COMMAND`` for a job, in ``QGJOB_TEST_WORKDIR``, keeping its log and
    output folder as the job's artifacts."""

    __test__ = False  # not a pytest test class

    def __init__(self, settings: WorkerSettings) -> None:
        workdir = Path(settings.test_workdir).absolute()
        if not workdir.is_dir():
            raise ConfigurationError(
                f"QGJOB_TEST_WORKDIR={str(settings.test_workdir)!r} is not a folder: point it "
                "at the checkout of the test repository"
            )
        self.runner = CommandRunner(
            settings.test_command, workdir, kill_grace_s=settings.kill_grace_s
        )
        self.artifacts = ArtifactStore(settings.artifact_dir)
        self.project = settings.test_project or settings.target.value
        self.retention_s = settings.job_retention_s
        self._pruned_at = -PRUNE_EVERY_S

    async def run(
        self, job: RunJob, log: LogSink, *, build: LocalBuild | None, env: Mapping[str, str]
    ) -> JobResult:
        await self._prune()
        run_dir = await asyncio.to_thread(self.artifacts.new_run, job.id, job.attempts)
        app_path = str(build.path) if build and build.path else ""
        values = {
            "test_path": safe_test_path(job.test_path),
            "project": self.project,
            "app_path": app_path,
            "app_version_id": job.app_version_id,
            "org_id": job.org_id,
            "job_id": job.id,
            "output_dir": str(run_dir.output),
        }
        job_env = {
            "QGJOB_JOB_ID": job.id,
            "QGJOB_ORG_ID": job.org_id,
            "QGJOB_APP_VERSION_ID": job.app_version_id,
            "QGJOB_TEST_PATH": job.test_path,
            "QGJOB_APP_PATH": app_path,
            "QGJOB_OUTPUT_DIR": str(run_dir.output),
            "PLAYWRIGHT_JUNIT_OUTPUT_FILE": str(run_dir.output / "junit.xml"),
            "PLAYWRIGHT_JSON_OUTPUT_FILE": str(run_dir.output / "report.json"),
            **env,
        }
        invocation = Invocation(
            values=values,
            env=child_env(os.environ, job_env),
            log_file=run_dir.log,
            output_dir=run_dir.output,
        )
        await log(f"$ {' '.join(self.runner.argv(values))}\n")
        return await self.runner.run(invocation, log)

    async def _prune(self) -> None:
        """Now and then, drop the artifacts of jobs older than the job retention."""
        now = time.monotonic()
        if now - self._pruned_at >= PRUNE_EVERY_S:
            self._pruned_at = now
            await asyncio.to_thread(self.artifacts.prune, self.retention_s)
