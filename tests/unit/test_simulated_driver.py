"""The simulated driver follows its documented rules."""

from __future__ import annotations

import time

import pytest

from qgjob_schemas import Outcome, RunJob
from qgjob_worker.drivers import InfrastructureError, LocalBuild, SimulatedDriver
from qgjob_worker.drivers.simulated import path_duration


def job(path: str, jid: str = "j1", attempt: int = 1) -> RunJob:
    return RunJob(
        id=jid,
        org_id="o",
        app_version_id="a",
        test_path=path,
        target="emulator",
        priority="normal",
        status="running",
        attempts=attempt,
        max_attempts=3,
    )


async def _nolog(_: str) -> None:
    return None


async def test_paths_decide_outcomes() -> None:
    d = SimulatedDriver(install_ms=0, test_ms=0)
    assert (await d.run(job("tests/login.spec.js"), _nolog)).outcome is Outcome.PASSED
    assert (await d.run(job("tests/fail_checkout.spec.js"), _nolog)).outcome is Outcome.FAILED
    with pytest.raises(InfrastructureError):
        await d.run(job("tests/infra.spec.js"), _nolog)


async def test_flaky_fails_once_then_passes() -> None:
    d = SimulatedDriver(install_ms=0, test_ms=0)
    assert (await d.run(job("flaky.spec.js"), _nolog)).outcome is Outcome.FAILED
    assert (await d.run(job("flaky.spec.js"), _nolog)).outcome is Outcome.PASSED


async def test_install_once_per_version_with_lru_eviction() -> None:
    d = SimulatedDriver(install_ms=0, test_ms=0, cache_size=2)
    assert await d.prepare(LocalBuild("o", "v1")) is True
    assert await d.prepare(LocalBuild("o", "v1")) is False
    assert await d.prepare(LocalBuild("o", "v2")) is True
    assert await d.prepare(LocalBuild("o", "v3")) is True  # evicts v1, the least recently used
    assert d.installed_versions() == ["v3", "v2"]
    assert await d.prepare(LocalBuild("o", "v1")) is True


async def test_injected_error_rate_is_deterministic() -> None:
    async def outcomes(seed: int) -> list[str]:
        d = SimulatedDriver(install_ms=0, test_ms=0, error_rate=0.3, seed=seed)
        out = []
        for i in range(200):
            try:
                out.append((await d.run(job("t.spec.js", jid=f"j{i}"), _nolog)).outcome.value)
            except InfrastructureError:
                out.append("error")
        return out

    first = await outcomes(1)
    assert first == await outcomes(1)
    assert 30 < first.count("error") < 90


def test_a_path_can_name_its_duration_and_a_scale_shrinks_it() -> None:
    assert path_duration("tests/login@42.5s.spec.js") == 42.5
    assert path_duration("tests/cart@800ms.spec.js") == 0.8
    assert path_duration("tests/plain.spec.js") is None
    assert path_duration("tests/mail@home.spec.js") is None


async def test_scaled_runs_take_the_named_time() -> None:
    d = SimulatedDriver(install_ms=1000, test_ms=0, time_scale=0.01)
    started = time.monotonic()
    assert (await d.run(job("tests/t@10s.spec.js"), _nolog)).outcome is Outcome.PASSED
    assert await d.prepare(LocalBuild("o", "v1")) is True
    assert 0.11 <= time.monotonic() - started < 1.0  # 10 s + 1 s at 1/100
