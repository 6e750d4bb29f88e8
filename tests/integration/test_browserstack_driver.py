"""The BrowserStack driver against a local App Automate stand-in and a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from qgjob_schemas import Outcome, RunJob
from qgjob_store import Store
from qgjob_worker.drivers import (
    ConfigurationError,
    DriverContext,
    InfrastructureError,
    LocalBuild,
    load_driver,
)
from qgjob_worker.drivers.browserstack import BrowserStackDriver
from qgjob_worker.settings import WorkerSettings
from tests.support.browserstack_server import KEY, USER, FakeBrowserStack
from tests.support.devices import make_build, make_test_repo, runner_command
from tests.support.waiting import async_wait_until


@pytest.fixture
def bs() -> Iterator[tuple[FakeBrowserStack, str]]:
    fake = FakeBrowserStack()
    server, url = fake.start()
    try:
        yield fake, url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deleted.txt").write_text("")
    monkeypatch.setenv("DELETED_APPS", str(tmp_path / "deleted.txt"))
    monkeypatch.setenv("SESSION_LOG", str(tmp_path / "sessions.log"))
    return tmp_path


def settings(url: str, root: Path, **changes: object) -> WorkerSettings:
    repo = make_test_repo(root / "repo")
    base = WorkerSettings(
        driver="browserstack",
        target="browserstack",  # type: ignore[arg-type]
        browserstack_api_url=url,
        browserstack_username=USER,
        browserstack_access_key=KEY,
        test_command=runner_command(repo),
        test_workdir=repo,
        artifact_dir=root / "artifacts",
    )
    return base.model_copy(update=changes)


def driver(s: WorkerSettings, store: Store, worker: str = "bs-1") -> BrowserStackDriver:
    d = load_driver(s, store, worker)
    assert isinstance(d, BrowserStackDriver)
    return d


def build(root: Path, version: str = "build-42") -> LocalBuild:
    return LocalBuild("acme", version, path=make_build(root / version / "app-release.apk"))


def job(path: str, jid: str = "J1", version: str = "build-42") -> RunJob:
    return RunJob(jid, "acme", version, path, "browserstack", "normal", "running", 1, 3)


async def nolog(_: str) -> None:
    return None


def sessions(root: Path) -> list[tuple[str, float, str]]:
    path = root / "sessions.log"
    lines = path.read_text().split("\n") if path.exists() else []
    return [(w[0], float(w[1]), w[2]) for w in (ln.split() for ln in lines) if w]


async def test_two_workers_upload_a_version_once(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    fake, url = bs
    s = settings(url, files)
    one, two = driver(s, store, "bs-1"), driver(s, store, "bs-2")
    b = build(files)
    uploaded = await asyncio.gather(one.prepare(b), two.prepare(b))
    assert sorted(uploaded) == [False, True]
    assert [(u.custom_id, u.filename) for u in fake.uploads] == [("build-42", "app-release.apk")]
    assert await one.prepare(b) is False and await two.prepare(build(files, "build-43")) is True
    assert [u.custom_id for u in fake.uploads] == ["build-42", "build-43"]
    key = store.keys.bs_app("acme", "build-42")
    assert 28 * 86400 < await store.redis.ttl(key) <= 29 * 86400  # before BrowserStack's 30 days
    for d in (one, two):
        await d.aclose()


async def test_the_app_url_reaches_the_test_command(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    _, url = bs
    d = driver(settings(url, files), store)
    await d.prepare(build(files))
    result = await d.run(job("tests/session_login.spec.js"), nolog)
    assert result.outcome is Outcome.PASSED
    assert [(kind, app) for kind, _, app in sessions(files)] == [
        ("start", "bs://app0001"),
        ("end", "bs://app0001"),
    ]
    await d.aclose()


async def test_a_deleted_app_is_uploaded_again_and_the_test_rerun(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    fake, url = bs
    d = driver(settings(url, files), store)
    await d.prepare(build(files))
    (files / "deleted.txt").write_text("bs://app0001\n")
    out: list[str] = []

    async def log(text: str) -> None:
        out.append(text)

    result = await d.run(job("tests/session_cart.spec.js"), log)
    assert result.outcome is Outcome.PASSED
    assert len(fake.uploads) == 2
    assert "BROWSERSTACK_APP_DELETED: uploading build-42 again" in "".join(out)
    assert [app for kind, _, app in sessions(files) if kind == "start"] == ["bs://app0002"]
    assert (
        await store.redis.get(store.keys.bs_app("acme", "build-42")) == '{"app_url":"bs://app0002"}'
    )
    await d.aclose()


async def test_an_expired_app_is_uploaded_again(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    fake, url = bs
    d = driver(settings(url, files), store)
    b = build(files)
    await d.prepare(b)
    key = store.keys.bs_app("acme", "build-42")
    await store.redis.pexpire(key, 1)

    async def expired() -> bool:
        return not await store.redis.exists(key)

    await async_wait_until(expired, timeout=5, what="the cached app URL to expire")
    assert await d.prepare(b) is True
    assert len(fake.uploads) == 2
    await d.aclose()


async def test_the_plans_parallel_limit_holds_across_workers(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    fake, url = bs
    fake.max_parallel = 1
    s = settings(url, files)
    workers = [driver(s, store, f"bs-{i}") for i in range(3)]
    b = build(files)
    for w in workers:
        await w.prepare(b)
    results = await asyncio.gather(
        *(w.run(job(f"tests/session_{i}.spec.js", f"J{i}"), nolog) for i, w in enumerate(workers))
    )
    assert {r.outcome for r in results} == {Outcome.PASSED}
    events = sorted(sessions(files), key=lambda e: e[1])
    assert [kind for kind, _, _ in events] == ["start", "end"] * 3  # never two at once
    assert fake.plan_calls >= 1
    assert await store.redis.zcard(store.keys.bs_sessions()) == 0
    for w in workers:
        await w.aclose()


@pytest.mark.parametrize(
    ("path", "status", "error", "message"),
    [
        ("/app-automate/upload", 401, ConfigurationError, "refused the credentials"),
        ("/app-automate/upload", 403, ConfigurationError, "refused the credentials"),
        ("/app-automate/upload", 429, InfrastructureError, "answered 429"),
        ("/app-automate/upload", 503, InfrastructureError, "answered 503"),
        ("/app-automate/plan.json", 401, ConfigurationError, "BROWSERSTACK_ACCESS_KEY"),
        ("/app-automate/plan.json", 500, InfrastructureError, "answered 500"),
    ],
)
async def test_error_answers_map_to_retried_or_final_errors(
    bs: tuple[FakeBrowserStack, str],
    files: Path,
    store: Store,
    path: str,
    status: int,
    error: type[Exception],
    message: str,
) -> None:
    fake, url = bs
    fake.fail[path] = status
    d = driver(settings(url, files), store)
    if path.endswith("upload"):
        with pytest.raises(error, match=message):
            await d.prepare(build(files))
    else:
        await d.prepare(build(files))
        with pytest.raises(error, match=message):
            await d.run(job("tests/session_x.spec.js"), nolog)
    plan_down = path.endswith("plan.json") and status >= 500
    assert await d.health() is not plan_down  # an answering API is a healthy one
    await d.aclose()


async def test_wrong_credentials_are_a_clear_final_error(
    bs: tuple[FakeBrowserStack, str], files: Path, store: Store
) -> None:
    _, url = bs
    d = driver(settings(url, files, browserstack_access_key="wrong"), store)
    with pytest.raises(
        ConfigurationError, match="BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY"
    ):
        await d.prepare(build(files))
    await d.aclose()
    with pytest.raises(ConfigurationError, match="needs BROWSERSTACK_USERNAME"):
        BrowserStackDriver(
            DriverContext(settings(url, files, browserstack_username=""), store, "bs-1")
        )
