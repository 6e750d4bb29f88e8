"""A worker whose group was taken over writes nothing: no log, no artifacts, no result, no
install count (a real redis-server; the worker and its lease keeper run in this loop)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import JobResult, Outcome, RunJob
from qgjob_store import JobStore, SchedulerStore, Store, WorkerStore
from qgjob_worker.drivers import READY, DeviceHealth, LocalBuild, LogSink
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.integration.helpers import (
    give,
    group_all,
    passed,
    read_and_acquire,
    register,
    submit,
)
from tests.support.waiting import async_wait_until

BEFORE, AFTER = "b" * 10_000, "a" * 10_000
"""Output of the run before and after the takeover (each more than a log chunk)."""


class PausedDriver:
    """Writes output and an artifact, then waits until the test lets it go on (as a worker
    SIGSTOPped mid-run would), then writes more."""

    name = "paused"
    needs_build = False
    stages_files = True  # it writes an artifact

    def __init__(self, artifact_dir: Path) -> None:
        self.artifacts = ArtifactStore(artifact_dir)
        self.running = asyncio.Event()
        self.go_on = asyncio.Event()

    async def prepare(self, build: LocalBuild) -> bool:
        return False

    async def run(self, job: RunJob, log: LogSink) -> JobResult:
        run = self.artifacts.new_run(job.id, job.attempts)
        await log(BEFORE)
        self.running.set()
        await self.go_on.wait()
        run.log.write_text("written after the takeover")
        await log(AFTER)
        return JobResult(outcome=Outcome.PASSED)

    async def evict(self, app_version_id: str) -> None:
        return None

    async def health(self) -> DeviceHealth:
        return READY

    def installed_versions(self) -> list[str]:
        return []

    async def aclose(self) -> None:
        return None


async def test_a_worker_whose_group_was_taken_over_writes_no_log_and_no_artifacts(
    redis_url: str, prefix: str, store: Store, tmp_path: Path
) -> None:
    settings = WorkerSettings(
        redis_url=redis_url,
        key_prefix=prefix,
        worker_id="w1",
        artifact_dir=tmp_path / "artifacts",
        lease_ms=200,
        heartbeat_interval_s=600,  # the lease is never renewed: it runs out mid-run
        block_ms=100,
    )
    driver = PausedDriver(settings.artifact_dir)
    reader = Store.open(redis_url, prefix=prefix, block_ms=100)
    worker = Worker(settings, store, reader, driver, "w1")
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        (job,) = await submit(store)
        (gid,) = await group_all(store)
        await async_wait_until(
            lambda: store.redis.exists(store.keys.heartbeat("w1")), timeout=10, what="w1 up"
        )
        assert await give(store, gid, "w1") == [gid]
        await asyncio.wait_for(driver.running.wait(), 10)
        await async_wait_until(
            lambda: JobStore(store).log(job.id), timeout=10, what="the first output stored"
        )
        recovered = await async_wait_until(
            lambda: SchedulerStore(store).recover(), timeout=10, what="the group taken back"
        )
        assert recovered == [gid]
        driver.go_on.set()
        await async_wait_until(
            lambda: asyncio.sleep(0, not worker.lanes), timeout=10, what="w1's run to end"
        )
        assert await JobStore(store).log(job.id) == BEFORE  # nothing written after the takeover
        assert ArtifactStore(settings.artifact_dir).list(job.id) == []
        stored = await JobStore(store).get(job.id)
        assert stored is not None and stored.status.value == "running"  # no result taken
    finally:
        stop.set()
        driver.go_on.set()
        await asyncio.wait_for(task, 30)
        await reader.close()


async def test_every_write_of_a_fenced_worker_is_refused(store: Store) -> None:
    """The same at the level of each script: the old lease writes nothing, the new one does."""
    (job,) = await submit(store)
    (gid,) = await group_all(store)
    w1 = await register(store, "w1", lease_ms=200)
    assert await give(store, gid, "w1") == [gid]
    old = await read_and_acquire(store, "w1")
    assert (await w1.start(old, job.id)).ok
    assert await w1.append_log(old, job.id, "attempt 1\n", 1)
    # w1 stops renewing: once its lease runs out the group is taken back and given to w2
    recovered = await async_wait_until(
        lambda: SchedulerStore(store).recover(), timeout=10, what="the group taken back"
    )
    assert recovered == [gid]
    await register(store, "w2")
    assert await give(store, gid, "w2") == [gid]
    new = await read_and_acquire(store, "w2")
    w2 = WorkerStore(store, "w2", "emulator")
    assert (await w2.start(new, job.id)).ok
    installs_before = await store.redis.hgetall(store.keys.stats())
    assert not await w1.append_log(old, job.id, "late output of attempt 1\n", 2)
    await w1.record_install(old, installed=True, seconds=1.0, versions=["A"])
    finished = await w1.step(old, job.id, passed(), log="(attempt 1) passed\n")
    assert finished.status is None and old.lost
    assert await w1.close(old) is None
    assert await store.redis.hgetall(store.keys.stats()) == installs_before
    assert await JobStore(store).log(job.id) == "attempt 1\n"
    assert await w2.append_log(new, job.id, "attempt 2\n", 1)
    assert (await w2.step(new, job.id, passed(), log="done\n")).status == "passed"
    assert await JobStore(store).log(job.id) == "attempt 1\nattempt 2\ndone\n"
