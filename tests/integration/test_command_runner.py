"""The test command as the real drivers run it: a real Python script as the "test runner"."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from pathlib import Path

import pytest

from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import JobPayload, JobResult, Outcome, RunJob
from qgjob_store import JobStore, NewJob, Store, WorkerStore
from qgjob_worker.drivers import ConfigurationError, InfrastructureError, LocalBuild, LogSink
from qgjob_worker.drivers.command import TestCommand
from qgjob_worker.drivers.runner import parse_template
from qgjob_worker.execution import JobRunner, LogBuffer, StopReason
from qgjob_worker.settings import WorkerSettings
from tests.integration.helpers import dispatch_and_acquire, group_all
from tests.support.devices import group_alive, make_test_repo, runner_command
from tests.support.waiting import async_wait_until


def job(path: str, jid: str = "J1") -> RunJob:
    return RunJob(
        id=jid,
        org_id="acme",
        app_version_id="v1",
        test_path=path,
        target="emulator",
        priority="normal",
        status="running",
        attempts=1,
        max_attempts=3,
    )


class Log:
    def __init__(self) -> None:
        self.chunks: list[str] = []

    async def __call__(self, text: str) -> None:
        self.chunks.append(text)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@pytest.fixture
def settings(tmp_path: Path) -> WorkerSettings:
    repo = make_test_repo(tmp_path / "repo")
    return WorkerSettings(
        test_command=runner_command(repo),
        test_workdir=repo,
        artifact_dir=tmp_path / "artifacts",
        kill_grace_s=1.0,
    )


class CommandDriver:
    """Just the test command, for the job runner."""

    name = "command"
    needs_build = False
    stages_files = True

    def __init__(self, command: TestCommand) -> None:
        self.command = command

    async def run(self, j: RunJob, log: LogSink) -> JobResult:
        return await self.command.run(j, log, build=None, env={})


async def test_exit_zero_passes_with_counts_log_and_artifacts(settings: WorkerSettings) -> None:
    log = Log()
    result = await TestCommand(settings).run(job("tests/login.spec.js"), log, build=None, env={})
    assert result.outcome is Outcome.PASSED
    assert result.counts is not None
    assert (result.counts.total, result.counts.passed, result.counts.skipped) == (3, 2, 1)
    assert "running tests/login.spec.js" in log.text and "ok" in result.log_tail
    artifacts = ArtifactStore(settings.artifact_dir)
    assert artifacts.list("J1") == []  # staged until the worker's result is taken
    assert artifacts.publish("J1", 1) == 1
    files = {f.path for f in artifacts.list("J1")}
    assert files == {
        "attempt-1/run-1/log.txt",
        "attempt-1/run-1/output/junit.xml",
        "attempt-1/run-1/output/screenshot.png",
    }


async def test_non_zero_exit_fails_with_the_failed_count(settings: WorkerSettings) -> None:
    result = await TestCommand(settings).run(
        job("tests/fail_pay.spec.js"), Log(), build=None, env={}
    )
    assert result.outcome is Outcome.FAILED
    assert result.message == "1 of 4 tests failed"
    assert result.counts is not None and result.counts.failed == 1


async def test_a_rerun_gets_its_own_folder(settings: WorkerSettings) -> None:
    command = TestCommand(settings)
    for _ in range(2):
        await command.run(job("tests/a.spec.js"), Log(), build=None, env={})
    ArtifactStore(settings.artifact_dir).publish("J1", 1)
    logs = [
        f.path
        for f in ArtifactStore(settings.artifact_dir).list("J1")
        if f.path.endswith("log.txt")
    ]
    assert logs == ["attempt-1/run-1/log.txt", "attempt-1/run-2/log.txt"]


@pytest.mark.parametrize(
    "path",
    ["tests/a.spec.js; touch pwned", "tests/$(touch pwned).spec.js", "tests/a b `touch pwned`.js"],
)
async def test_a_test_path_is_one_argument_never_a_shell(
    settings: WorkerSettings, path: str
) -> None:
    log = Log()
    result = await TestCommand(settings).run(job(path), log, build=None, env={})
    assert result.outcome is Outcome.PASSED
    assert f'argv=["{path}"]' in log.text
    assert not list(Path(settings.test_workdir).rglob("pwned*"))


async def test_a_test_path_cannot_pose_as_an_option(settings: WorkerSettings) -> None:
    log = Log()
    await TestCommand(settings).run(job("--config=evil.js"), log, build=None, env={})
    assert 'argv=["./--config=evil.js"]' in log.text


async def test_the_worker_settings_do_not_reach_the_test_command(
    settings: WorkerSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QGJOB_REDIS_URL", "redis://:secret@db:6379/0")
    script = tmp_path / "env.py"
    script.write_text("import os; print(sorted(k for k in os.environ if k.startswith('QGJOB_')))")
    s = settings.model_copy(update={"test_command": f"python3 {script}"})
    log = Log()
    await TestCommand(s).run(job("t.spec.js"), log, build=LocalBuild("acme", "v1"), env={})
    assert "secret" not in log.text and "QGJOB_REDIS_URL" not in log.text
    assert "QGJOB_OUTPUT_DIR" in log.text and "QGJOB_JOB_ID" in log.text


async def test_huge_output_streams_to_the_log_and_keeps_the_tail(settings: WorkerSettings) -> None:
    stored: list[int] = []

    async def to_store(text: str) -> None:
        stored.append(len(text))

    buffer = LogBuffer(to_store)
    result = await TestCommand(settings).run(
        job("tests/flood.spec.js"), buffer.write, build=None, env={}
    )
    await buffer.flush()
    assert result.outcome is Outcome.PASSED
    ArtifactStore(settings.artifact_dir).publish("J1", 1)
    log_file = ArtifactStore(settings.artifact_dir).find("J1", "attempt-1/run-1/log.txt")
    assert log_file is not None and log_file.stat().st_size > 20 * 1024 * 1024
    assert sum(stored) > 20 * 1024 * 1024  # every byte went to the job log, in chunks
    assert len(result.log_tail) == 4000 and result.log_tail.endswith("x\n")


async def test_huge_output_keeps_a_bounded_log_in_the_store(
    settings: WorkerSettings, store: Store
) -> None:
    jobs = JobStore(store)
    flood = JobPayload(org_id="acme", app_version_id="v1", test_path="tests/flood.spec.js")
    await jobs.submit([NewJob("J1", flood, 3)])
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    worker = WorkerStore(store, "w1", "emulator")
    assert (await worker.start(lease, "J1")).ok
    max_bytes = 1 << 20
    chunks = itertools.count(1)

    async def to_store(text: str) -> None:
        assert await worker.append_log(lease, "J1", text, next(chunks), max_bytes=max_bytes)

    buffer = LogBuffer(to_store)
    started = time.monotonic()
    result = await TestCommand(settings).run(
        job("tests/flood.spec.js"), buffer.write, build=None, env={}
    )
    await buffer.flush()
    seconds = time.monotonic() - started
    key = store.keys.job_log("J1")
    size = await store.redis.strlen(key)
    assert result.outcome is Outcome.PASSED
    assert max_bytes <= size <= max_bytes * 3 // 2
    assert (await store.redis.getrange(key, -4, -1)).endswith("xx\n")
    print(f"20 MiB of output through the job log on Redis in {seconds:.2f}s, {size} bytes kept")


async def _pids_once_started(log: Log) -> tuple[int, int]:
    line = await async_wait_until(
        lambda: _first(log, "pids "), timeout=20, what="the test command to start"
    )
    leader, child = (int(x) for x in line.split()[1:3])
    return leader, child


async def _first(log: Log, prefix: str) -> str | None:
    return next((ln for ln in log.text.splitlines() if ln.startswith(prefix)), None)


@pytest.mark.parametrize("path", ["tests/hang.spec.js", "tests/hang_trap.spec.js"])
async def test_cancel_mid_run_kills_the_whole_process_group(
    settings: WorkerSettings, path: str
) -> None:
    log = Log()
    task = asyncio.create_task(TestCommand(settings).run(job(path), log, build=None, env={}))
    leader, child = await _pids_once_started(log)
    assert group_alive(leader) and child in group_alive(leader)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=20)
    assert group_alive(leader) == []


async def test_the_run_timeout_kills_the_group_and_is_an_error(settings: WorkerSettings) -> None:
    log = Log()
    runner = JobRunner(CommandDriver(TestCommand(settings)), run_timeout_s=2)  # type: ignore[arg-type]
    buffer = LogBuffer(log)
    result = await runner.run(job("tests/hang.spec.js"), buffer)
    await buffer.flush()
    assert result is not None and result.outcome is Outcome.ERROR
    assert result.message == "timed out after 2s" and result.retryable
    leader, _ = await _pids_once_started(log)
    assert group_alive(leader) == []


async def test_a_cancel_request_ends_the_job_cancelled(settings: WorkerSettings) -> None:
    log = Log()
    runner = JobRunner(CommandDriver(TestCommand(settings)), run_timeout_s=60)  # type: ignore[arg-type]
    task = asyncio.create_task(runner.run(job("tests/hang.spec.js"), LogBuffer(log, chunk=1)))
    leader, _ = await _pids_once_started(log)
    assert runner.stop_current(StopReason.CANCEL)
    result = await asyncio.wait_for(task, timeout=20)
    assert result is not None and result.outcome is Outcome.CANCELLED
    assert group_alive(leader) == []


async def test_a_command_that_cannot_start_is_an_infrastructure_error(
    settings: WorkerSettings,
) -> None:
    s = settings.model_copy(update={"test_command": "no-such-runner-xyz test {test_path}"})
    with pytest.raises(
        InfrastructureError, match="cannot start the test command 'no-such-runner-xyz'"
    ):
        await TestCommand(s).run(job("t.spec.js"), Log(), build=None, env={})


async def test_a_command_killed_by_a_signal_is_an_infrastructure_error(
    settings: WorkerSettings,
) -> None:
    s = settings.model_copy(update={"test_command": "sh -c 'kill -9 $$'"})
    with pytest.raises(InfrastructureError, match="killed by SIGKILL"):
        await TestCommand(s).run(job("t.spec.js"), Log(), build=None, env={})


def test_bad_templates_and_workdirs_are_clear_startup_errors(settings: WorkerSettings) -> None:
    with pytest.raises(ConfigurationError, match=r"unknown placeholder \{tset_path\}"):
        parse_template("npx appwright test {tset_path}")
    with pytest.raises(ConfigurationError, match="unknown placeholder"):
        parse_template("run {test_path.__class__}")
    with pytest.raises(ConfigurationError, match="No closing quotation"):
        parse_template("run 'x")
    with pytest.raises(ConfigurationError, match="QGJOB_TEST_WORKDIR"):
        TestCommand(settings.model_copy(update={"test_workdir": Path("/nonexistent/repo")}))
    assert parse_template("npx appwright test {test_path} --project {project}") == [
        "npx",
        "appwright",
        "test",
        "{test_path}",
        "--project",
        "{project}",
    ]
    assert os.path.isdir(settings.test_workdir)
