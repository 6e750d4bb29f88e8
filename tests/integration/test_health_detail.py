"""Why a worker is unhealthy, as the registry keeps and shows it: written by the heartbeat
script with the state, one bounded line, gone with the first beat in another state. On a
real redis-server."""

from __future__ import annotations

from qgjob_schemas import HEALTH_DETAIL_MAX, Worker
from qgjob_store import Store, WorkerRegistry, WorkerStore


async def shown(store: Store) -> Worker:
    w = await WorkerRegistry(store).get("device-1")
    assert w is not None
    return w


async def test_the_reason_comes_with_unhealthy_and_goes_with_it(store: Store) -> None:
    ws = WorkerStore(store, "device-1", "device")
    await ws.heartbeat("unhealthy", ttl_ms=60_000, detail="get-state: error: device 'x' not found")
    w = await shown(store)
    assert (w.state.value, w.health_detail) == (
        "unhealthy",
        "get-state: error: device 'x' not found",
    )
    await ws.heartbeat("unhealthy", ttl_ms=60_000, detail="not booted: sys.boot_completed is ''")
    assert (await shown(store)).health_detail == "not booted: sys.boot_completed is ''"
    await ws.heartbeat("idle", ttl_ms=60_000, detail="ignored: the device is ready")
    w = await shown(store)
    assert (w.state.value, w.health_detail) == ("idle", None)
    assert await store.redis.hget(store.keys.worker("device-1"), "health_detail") == ""


async def test_the_reason_is_one_bounded_line_without_control_characters(store: Store) -> None:
    ws = WorkerStore(store, "device-1", "device")
    noisy = "adb: \x1b[31merror\x1b[0m:\r\n  device offline\x00\t" + "x" * 1000
    await ws.heartbeat("unhealthy", ttl_ms=60_000, detail=noisy)
    detail = (await shown(store)).health_detail
    assert detail is not None
    assert detail.startswith("adb: [31merror [0m: device offline x")
    assert len(detail) == HEALTH_DETAIL_MAX and detail.endswith("…")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in detail)


async def test_a_reason_written_around_the_cleaner_is_cleaned_when_read(store: Store) -> None:
    """A record written by another client (or an older worker) cannot break the listing."""
    ws = WorkerStore(store, "device-1", "device")
    await ws.heartbeat("unhealthy", ttl_ms=60_000, detail="offline")
    await store.redis.hset(store.keys.worker("device-1"), "health_detail", "a\nb" * 500)
    detail = (await shown(store)).health_detail
    assert detail is not None and "\n" not in detail and len(detail) <= HEALTH_DETAIL_MAX
