"""The adb driver against a fake adb on PATH that records what it was asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from qgjob_schemas import Outcome, RunJob
from qgjob_store import Store
from qgjob_worker.drivers import (
    ConfigurationError,
    DeviceOfflineError,
    DriverContext,
    InfrastructureError,
    LocalBuild,
    load_driver,
)
from qgjob_worker.drivers.adb import AdbDriver
from qgjob_worker.settings import WorkerSettings
from tests.support.devices import (
    PACKAGE,
    SERIAL,
    FakeAdb,
    make_build,
    make_test_repo,
    runner_command,
)


@pytest.fixture
def adb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAdb:
    fake = FakeAdb.install(tmp_path)
    for key, value in fake.env.items():
        monkeypatch.setenv(key, value)
    return fake


@pytest.fixture
def settings(tmp_path: Path) -> WorkerSettings:
    repo = make_test_repo(tmp_path / "repo")
    return WorkerSettings(
        driver="adb",
        adb_serial=SERIAL,
        test_command=runner_command(repo),
        test_workdir=repo,
        artifact_dir=tmp_path / "artifacts",
    )


def driver(settings: WorkerSettings, store: Store) -> AdbDriver:
    d = load_driver(settings, store, "device-1")
    assert isinstance(d, AdbDriver)
    return d


def build(tmp_path: Path, version: str = "1.0.0", **kw: str) -> LocalBuild:
    path = make_build(tmp_path / "builds" / version / "app.apk", version=version, **kw)
    return LocalBuild("acme", version, path=path, package=PACKAGE)


def job(path: str, version: str = "1.0.0") -> RunJob:
    return RunJob("J1", "acme", version, path, "device", "normal", "running", 1, 3)


async def test_health_follows_the_device_state_and_boot(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store
) -> None:
    d = driver(settings, mem_store)
    assert await d.health()
    adb.update(state="offline")
    assert not await d.health()
    adb.update(state="device", boot_completed="0")
    assert not await d.health()
    adb.update(boot_completed="1")
    assert await d.health()
    assert ["-s", SERIAL, "get-state"] in adb.calls()
    assert ["-s", SERIAL, "shell", "getprop", "sys.boot_completed"] in adb.calls()


async def test_installs_once_and_finds_the_version_already_there(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    b = build(tmp_path, "build-42")
    assert await d.prepare(b) is True
    assert await d.prepare(b) is False
    assert adb.installs() == [["-s", SERIAL, "install", "-r", "-t", "-g", str(b.path)]]
    assert d.installed_versions() == ["build-42"]
    # a worker that restarts finds it with dumpsys (versionName is the app version here)
    assert await driver(settings, mem_store).prepare(b) is False
    assert len(adb.installs()) == 1
    # a new version replaces it
    assert await d.prepare(build(tmp_path, "build-43")) is True
    assert adb.state()["packages"][PACKAGE]["versionName"] == "build-43"


async def test_a_version_named_otherwise_on_the_device_is_recognised_after_install(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    path = make_build(tmp_path / "app.apk", version="2.3.1")
    b = LocalBuild("acme", "ci-build-977", path=path, package=PACKAGE)
    assert await d.prepare(b) is True
    assert await d.prepare(b) is False
    assert len(adb.installs()) == 1


async def test_install_failures_are_clear_infrastructure_errors(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    adb.update(fail_install="INSTALL_FAILED_INSUFFICIENT_STORAGE")
    with pytest.raises(InfrastructureError, match="INSTALL_FAILED_INSUFFICIENT_STORAGE") as info:
        await driver(settings, mem_store).prepare(build(tmp_path))
    assert f"adb install on {SERIAL} failed" in str(info.value)


async def test_a_signature_mismatch_is_answered_by_uninstalling_first(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    await d.prepare(build(tmp_path, "1.0.0", signer="debug"))
    assert await d.prepare(build(tmp_path, "1.0.1", signer="release")) is True
    verbs = [c[2] for c in adb.calls() if c[2] in ("install", "uninstall")]
    assert verbs == ["install", "install", "uninstall", "install"]
    assert adb.state()["packages"][PACKAGE]["signer"] == "release"


async def test_evict_uninstalls(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    await d.prepare(build(tmp_path))
    await d.evict("1.0.0")
    assert ["-s", SERIAL, "uninstall", PACKAGE] in adb.calls()
    assert adb.state()["packages"] == {} and d.installed_versions() == []


async def test_run_passes_the_serial_and_reports_the_outcome(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    await d.prepare(build(tmp_path))
    out: list[str] = []

    async def log(text: str) -> None:
        out.append(text)

    assert (await d.run(job("tests/login.spec.js"), log)).outcome is Outcome.PASSED
    assert f"on {SERIAL}" in "".join(out)
    assert (await d.run(job("tests/fail_cart.spec.js"), log)).outcome is Outcome.FAILED


async def test_a_device_that_goes_offline_mid_run_is_an_infrastructure_error(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    d = driver(settings, mem_store)
    await d.prepare(build(tmp_path))

    async def log(_: str) -> None:
        return None

    with pytest.raises(DeviceOfflineError, match=f"device {SERIAL} went offline"):
        await d.run(job("tests/unplug.spec.js"), log)
    assert not await d.health()
    with pytest.raises(DeviceOfflineError):
        await d.prepare(build(tmp_path, "2.0.0"))


async def test_settings_and_builds_it_cannot_use_are_configuration_errors(
    adb: FakeAdb, settings: WorkerSettings, mem_store: Store, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match="QGJOB_ADB_SERIAL"):
        AdbDriver(DriverContext(settings.model_copy(update={"adb_serial": ""}), mem_store, "w"))
    d = driver(settings, mem_store)
    aab = make_build(tmp_path / "app.aab")
    with pytest.raises(ConfigurationError, match=r"adb installs \.apk files, not app\.aab"):
        await d.prepare(LocalBuild("acme", "1.0.0", path=aab, package=PACKAGE))
    with pytest.raises(ConfigurationError, match="no Android package name"):
        await d.prepare(LocalBuild("acme", "1.0.0", path=build(tmp_path).path))
    assert adb.installs() == []
