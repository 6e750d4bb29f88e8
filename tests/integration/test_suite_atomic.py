"""A suite is stored whole or not at all, whatever fails between its calls (real
redis-server; the failure is injected into the script calls of the store)."""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from qgjob_schemas import SuitePayload
from qgjob_store import StagingLostError, Store, SuiteStore
from qgjob_store.suites import SUBMIT_BATCH

TESTS = [f"tests/t{i}.spec.js" for i in range(SUBMIT_BATCH * 2 + 500)]  # three batches


def _create(store: Store) -> Any:
    payload = SuitePayload(app_version_id="v1", tests=TESTS)
    return SuiteStore(store).create(
        "s1", "org1", payload, default_max_attempts=3, job_id=lambda i: f"s1-j{i}"
    )


async def _nothing_visible(store: Store) -> None:
    k = store.keys
    assert await SuiteStore(store).get("s1") is None
    assert await store.redis.exists(k.suite_jobs("s1"), k.suite_counts("s1")) == 0
    assert await store.redis.exists(*[k.job(f"s1-j{i}") for i in range(len(TESTS))]) == 0
    assert await store.redis.xlen(k.jobs_stream()) == 0
    assert await store.redis.zcard(k.idx_org("org1")) == 0
    assert await store.redis.hgetall(k.stats_org("org1")) == {}


def _fail_on_call(store: Store, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Script call ``n`` of the test (1-based) fails as a lost connection does."""
    real = store.scripts.run
    calls = 0

    async def run(name: str, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == n:
            raise RedisConnectionError("connection lost (injected)")
        return await real(name, *args)

    monkeypatch.setattr(store.scripts, "run", run)


@pytest.mark.parametrize("failing_call", [2, 3])
async def test_a_failure_between_batches_leaves_no_suite(
    store: Store, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    _fail_on_call(store, monkeypatch, failing_call)
    with pytest.raises(RedisConnectionError):
        await _create(store)
    await _nothing_visible(store)
    assert await store.redis.ttl(store.keys.suite_staging("s1")) > 0  # abandoned: it expires
    monkeypatch.undo()
    suite = await _create(store)  # the client submits again (same idempotency key: same ids)
    assert suite.total == len(TESTS) == len(set(suite.job_ids))
    assert await store.redis.xlen(store.keys.jobs_stream()) == len(TESTS)
    got = await SuiteStore(store).get("s1")
    assert got is not None and got.counts == {"queued": len(TESTS)}
    assert await store.redis.exists(store.keys.suite_staging("s1")) == 0


async def test_a_lost_staged_batch_stores_nothing(store: Store) -> None:
    """A staged batch gone at publish time (the store restarted and lost it) is an error to
    retry, and nothing of the suite is stored."""
    real = store.scripts.run

    async def run(name: str, *args: Any) -> Any:
        reply = await real(name, *args)
        if str(args[-1]).startswith("stage:"):
            await store.redis.hdel(store.keys.suite_staging("s1"), "1")
        return reply

    store.scripts.run = run  # type: ignore[method-assign]
    with pytest.raises(StagingLostError):
        await _create(store)
    await _nothing_visible(store)
