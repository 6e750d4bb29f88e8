"""Build URLs reach only public addresses unless allowed, redirects included, and a build
known only by its URL is pinned to the checksum of its first fetch.

The HTTP servers are real (local threads on 127.0.0.1); so every address they have is a
loopback one, which is what the refusals are tested with."""

from __future__ import annotations

import hashlib
import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from qgjob_api.app import create_app
from qgjob_api.settings import ApiSettings
from qgjob_store import BuildStore, Store
from qgjob_worker.builds import BuildFetcher
from qgjob_worker.drivers import InfrastructureError

APK = b"PK\x03\x04first build"


class Site:
    """A local HTTP server: ``routes`` maps a path to ``(status, headers, body)``; it notes
    each request's path and Host header."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.seen.append((self.path, self.headers.get("Host", "")))
                status, headers, body = site.routes.get(self.path, (404, {}, b"no"))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    try:
        yield s
    finally:
        s.close()


def fetcher(store: Store, cache: Path, *, allow_private: bool) -> BuildFetcher:
    return BuildFetcher(BuildStore(store), cache, allow_private=allow_private)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-global"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_every_non_public_range_is_refused(address: str, kind: str) -> None:
    from qgjob_core.build_urls import refusal  # here: the other tests run without it

    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and kind in reason
    allowed = refusal(ipaddress.ip_address(address), allow_private=True)
    assert (allowed is None) == (kind not in ("unspecified", "multicast"))
    assert refusal(ipaddress.ip_address("93.184.215.14")) is None


async def _api(settings: ApiSettings, store: Store) -> tuple[Any, httpx.AsyncClient]:
    app = create_app(settings, store)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api")
    return app, client


@pytest.mark.parametrize("allow", [False, True])
async def test_the_api_refuses_build_urls_on_private_addresses(
    mem_store: Store, tmp_path: Path, redis_url: str, allow: bool
) -> None:
    redis_port = httpx.URL(redis_url).port
    settings = ApiSettings(
        redis_url="memory://", build_store_dir=tmp_path / "b", build_urls_allow_private=allow
    )
    app, client = await _api(settings, mem_store)
    sha = "ab" * 32
    urls = [
        "http://169.254.169.254/latest/app.apk",
        f"http://127.0.0.1:{redis_port}/app.apk",
        "http://localhost/app.apk",
        "http://[::1]/app.apk",
        "http://10.0.0.7/app.apk",
    ]
    async with app.router.lifespan_context(app), client:
        for i, url in enumerate(urls):
            r = await client.post(
                f"/v1/apps/v{i}", data={"org_id": "acme", "url": url, "sha256": sha}
            )
            job = await client.post(
                "/v1/jobs",
                json={"org_id": "acme", "app_version_id": "j", "test_path": "t.js", "app_url": url},
            )
            if allow:
                assert (r.status_code, job.status_code) == (201, 201), (url, r.text, job.text)
                continue
            for answer, field in ((r, "url"), (job, "app_url")):
                assert answer.status_code == 422, (url, answer.text)
                detail = answer.json()["error"]["details"][0]
                assert detail["field"] == field
                assert "may not be fetched from" in detail["message"]


async def test_the_worker_refuses_a_private_url_and_fetches_it_when_allowed(
    mem_store: Store, tmp_path: Path, site: Site
) -> None:
    site.routes["/app.apk"] = (200, {}, APK)
    refused = fetcher(mem_store, tmp_path / "c1", allow_private=False)
    with pytest.raises(InfrastructureError, match=r"127\.0\.0\.1 is a loopback address"):
        await refused.fetch("acme", "v1", app_url=f"{site.url}/app.apk")
    assert site.seen == []  # refused before any request
    allowed = fetcher(mem_store, tmp_path / "c2", allow_private=True)
    got = await allowed.fetch("acme", "v1", app_url=f"{site.url}/app.apk")
    assert got.path is not None and got.path.read_bytes() == APK


async def test_every_redirect_is_checked_before_it_is_followed(
    mem_store: Store, tmp_path: Path, site: Site
) -> None:
    site.routes["/start.apk"] = (302, {"Location": "/moved.apk"}, b"")
    site.routes["/moved.apk"] = (301, {"Location": f"{site.url}/final.apk"}, b"")
    site.routes["/final.apk"] = (200, {}, APK)
    site.routes["/to-nowhere.apk"] = (302, {"Location": f"http://0.0.0.0:{site.port}/x.apk"}, b"")
    site.routes["/to-file.apk"] = (302, {"Location": "file:///etc/passwd"}, b"")
    site.routes["/loop.apk"] = (302, {"Location": "/loop.apk"}, b"")
    f = fetcher(mem_store, tmp_path / "c", allow_private=True)
    got = await f.fetch("acme", "v1", app_url=f"{site.url}/start.apk")
    assert got.path is not None and got.path.read_bytes() == APK
    assert [p for p, _ in site.seen] == ["/start.apk", "/moved.apk", "/final.apk"]
    with pytest.raises(InfrastructureError, match=r"0\.0\.0\.0 is an unspecified address"):
        await f.fetch("acme", "v2", app_url=f"{site.url}/to-nowhere.apk")
    with pytest.raises(InfrastructureError, match="must be an http:// or https:// URL"):
        await f.fetch("acme", "v3", app_url=f"{site.url}/to-file.apk")
    with pytest.raises(InfrastructureError, match="more than 5 redirects"):
        await f.fetch("acme", "v4", app_url=f"{site.url}/loop.apk")


async def test_the_connection_goes_to_the_checked_address_with_the_urls_host(
    mem_store: Store, tmp_path: Path, site: Site
) -> None:
    site.routes["/app.apk"] = (200, {}, APK)
    f = fetcher(mem_store, tmp_path / "c", allow_private=True)
    await f.fetch("acme", "v1", app_url=f"http://localhost:{site.port}/app.apk")
    # the server listens on 127.0.0.1 only and was reached; the Host header is the URL's
    assert site.seen == [("/app.apk", f"localhost:{site.port}")]


async def test_a_url_build_is_pinned_to_its_first_fetch(
    mem_store: Store, tmp_path: Path, site: Site
) -> None:
    site.routes["/app.apk"] = (200, {}, APK)
    url = f"{site.url}/app.apk"
    first = await fetcher(mem_store, tmp_path / "w1", allow_private=True).fetch(
        "acme", "v1", app_url=url
    )
    pinned = await BuildStore(mem_store).get("acme", "v1")
    assert pinned is not None
    assert (pinned.source, pinned.sha256) == (url, hashlib.sha256(APK).hexdigest())
    assert first.sha256 == pinned.sha256
    site.routes["/app.apk"] = (200, {}, b"PK\x03\x04other bytes")  # the URL now serves others
    other_worker = fetcher(mem_store, tmp_path / "w2", allow_private=True)
    with pytest.raises(InfrastructureError, match="corrupt: sha256"):
        await other_worker.fetch("acme", "v1", app_url=url)
