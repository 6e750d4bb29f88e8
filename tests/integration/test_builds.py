"""Workers fetch a build once, verify it, cache it, and call a missing or corrupt one an
infrastructure error."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from qgjob_schemas import AppBuild as Registration
from qgjob_store import BuildStore, Store
from qgjob_worker.builds import BuildFetcher
from qgjob_worker.drivers import InfrastructureError
from tests.support.devices import make_build


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server of ``tmp_path/www``, and the paths it was asked for."""
    root = tmp_path / "www"
    root.mkdir()
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: Any) -> None:
            asked.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def register(store: Store, source: str, digest: str, name: str = "app.apk") -> None:
    reg = Registration(
        org_id="acme",
        app_version_id="v1",
        source=source,
        sha256=digest,
        filename=name,
        package="com.acme.shop",
        created_at=datetime.now(UTC),
    )
    await BuildStore(store).register(reg)


async def test_a_registered_upload_is_copied_once_and_verified(
    mem_store: Store, tmp_path: Path
) -> None:
    apk = make_build(tmp_path / "store" / "app.apk")
    await register(mem_store, apk.as_uri(), sha(apk))
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    first = await fetcher.fetch("acme", "v1")
    assert first.path is not None and first.path.read_bytes() == apk.read_bytes()
    assert (first.sha256, first.package) == (sha(apk), "com.acme.shop")
    apk.unlink()  # the cache serves it from now on
    assert (await fetcher.fetch("acme", "v1")).path == first.path


async def test_a_url_build_is_downloaded_once(
    mem_store: Store, tmp_path: Path, served: tuple[str, list[str]]
) -> None:
    base, asked = served
    apk = make_build(tmp_path / "www" / "shop-release.apk")
    await register(mem_store, f"{base}/shop-release.apk", sha(apk), "shop-release.apk")
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    for _ in range(3):
        got = await fetcher.fetch("acme", "v1")
    assert got.path is not None and got.path.name == "shop-release.apk"
    assert asked == ["/shop-release.apk"]


async def test_a_jobs_app_url_serves_when_nothing_is_registered(
    mem_store: Store, tmp_path: Path, served: tuple[str, list[str]]
) -> None:
    base, _ = served
    apk = make_build(tmp_path / "www" / "nightly.apk")
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    got = await fetcher.fetch("acme", "v1", app_url=f"{base}/nightly.apk?token=abc")
    assert got.path is not None and got.path.name == "nightly.apk" and got.sha256 == sha(apk)


async def test_missing_and_corrupt_builds_are_infrastructure_errors(
    mem_store: Store, tmp_path: Path, served: tuple[str, list[str]]
) -> None:
    base, _ = served
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    with pytest.raises(InfrastructureError, match="no build of app version v1 for org acme"):
        await fetcher.fetch("acme", "v1")
    with pytest.raises(InfrastructureError, match=r"missing: GET .* answered 404"):
        await fetcher.fetch("acme", "v1", app_url=f"{base}/gone.apk")
    (tmp_path / "www" / "page.apk").write_text("<html>login required</html>")
    with pytest.raises(InfrastructureError, match=r"corrupt: not an \.apk/\.aab/\.ipa archive"):
        await fetcher.fetch("acme", "v1", app_url=f"{base}/page.apk")
    apk = make_build(tmp_path / "www" / "app.apk")
    await register(mem_store, f"{base}/app.apk", "0" * 64)
    with pytest.raises(InfrastructureError, match=f"corrupt: sha256 {sha(apk)}, registered 0+"):
        await fetcher.fetch("acme", "v1")
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]  # nothing cached


async def test_a_build_gone_from_the_build_store_is_missing(
    mem_store: Store, tmp_path: Path
) -> None:
    await register(mem_store, (tmp_path / "gone.apk").as_uri(), "0" * 64)
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    with pytest.raises(InfrastructureError, match="missing from the build store"):
        await fetcher.fetch("acme", "v1")


@pytest.mark.parametrize("name", ["x\x00.apk", "../../x.apk", "a/b.apk", ".."])
async def test_a_stored_build_name_no_file_can_have_is_an_infrastructure_error(
    mem_store: Store, tmp_path: Path, served: tuple[str, list[str]], name: str
) -> None:
    """A record the API would refuse (written before it refused such names) fails the job
    with a clear infrastructure error, not an unexpected exception, and writes nothing."""
    base, _ = served
    apk = make_build(tmp_path / "www" / "x.apk")
    await register(mem_store, f"{base}/x.apk", sha(apk), name)
    fetcher = BuildFetcher(BuildStore(mem_store), tmp_path / "cache", allow_private=True)
    with pytest.raises(InfrastructureError, match="file name"):
        await fetcher.fetch("acme", "v1")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "www" not in p.parts]
    assert written == []
