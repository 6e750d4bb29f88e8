"""An idle worker told to stop stops at once: it does not wait out its read for a
dispatch (``block_ms``, 5 s by default)."""

from __future__ import annotations

import asyncio
import time

from qgjob_store import Store, WorkerRegistry
from qgjob_worker.drivers.simulated import SimulatedDriver
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings
from tests.support.waiting import async_wait_until


async def test_an_idle_worker_stops_without_waiting_out_its_read(
    redis_url: str, store: Store
) -> None:
    settings = WorkerSettings(
        redis_url=redis_url,
        key_prefix=store.keys.prefix,
        target="emulator",  # type: ignore[arg-type]
        worker_id="emulator-1",
        block_ms=5000,
    )
    reader = Store.open(redis_url, prefix=store.keys.prefix, block_ms=settings.block_ms)
    worker = Worker(settings, store, reader, SimulatedDriver(install_ms=0, test_ms=0), "emulator-1")
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:

        async def registered() -> bool:
            return await WorkerRegistry(store).get("emulator-1") is not None

        await async_wait_until(registered, timeout=5, what="the worker registered")
        stop.set()
        asked = time.monotonic()
        await asyncio.wait_for(task, timeout=4)  # well within one read's 5 s
        assert time.monotonic() - asked < 2.5
        shown = await WorkerRegistry(store).get("emulator-1")
        assert shown is not None and shown.state.value == "draining"  # its last beat
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await reader.close()
