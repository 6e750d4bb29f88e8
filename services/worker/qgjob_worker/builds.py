"""Getting an app version's build onto this worker: downloaded once, checksum verified, cached.

The build comes from its registration (``POST /v1/apps/{app_version_id}``: an ``https://``
URL, or a ``file://`` URL in the build store for an uploaded file) or, when none is
registered, from the ``app_url`` a job carries. A build that is missing, cannot be
downloaded or fails its checksum is an infrastructure error (retried: it may be registered
or repaired meanwhile).

An http(s) build is fetched only from public addresses (unless
``QGJOB_BUILD_URLS_ALLOW_PRIVATE``): before each request, redirects included, the host is
resolved, every address checked, and the connection made to the checked address (so a
second DNS answer cannot point elsewhere). A job's ``app_url`` has no checksum: the first
fetch registers the build with the sha256 of what it got, and every later fetch, on any
worker, must match it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from qgjob_core.build_urls import BuildUrlError, checked_addresses, split_http_url
from qgjob_core.settings import StoreSettings
from qgjob_schemas import BUILD_SUFFIXES, AppBuild, check_file_name
from qgjob_store import BuildStore, RegisterOutcome
from qgjob_worker.drivers.base import InfrastructureError, LocalBuild

ZIP_MAGIC = b"PK\x03\x04"
""".apk, .aab and .ipa files are zip archives."""
CHUNK = 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class BuildSource:
    url: str
    sha256: str
    filename: str
    package: str | None = None


def _name_from_url(url: str) -> str:
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    try:
        check_file_name(name, "name")
    except ValueError:
        return "app.apk"
    return name if name.lower().endswith(BUILD_SUFFIXES) else "app.apk"


def _safe_part(value: str, what: str) -> str:
    """An id used as a folder of the cache: never ``..``, a separator or a NUL (the API
    refuses such ids; a record written some other way must not reach the file system)."""
    try:
        check_file_name(value, what)
    except ValueError as exc:
        raise InfrastructureError(f"build: {exc}") from None
    return value


class BuildFetcher:
    def __init__(
        self,
        builds: BuildStore,
        cache_dir: Path,
        *,
        timeout_s: float = 600.0,
        allow_private: bool | None = None,
    ) -> None:
        self.builds = builds
        self.cache_dir = Path(cache_dir).absolute()
        self.timeout_s = timeout_s
        self.allow_private = (
            StoreSettings().build_urls_allow_private if allow_private is None else allow_private
        )
        self._locks: dict[Path, asyncio.Lock] = {}

    async def fetch(self, org_id: str, app_version_id: str, app_url: str = "") -> LocalBuild:
        """The build as a local file; raises :class:`InfrastructureError` when there is none
        or it is corrupt."""
        source = await self._source(org_id, app_version_id, app_url)
        folder = source.sha256 or "url-" + hashlib.sha256(source.url.encode()).hexdigest()[:16]
        path = (
            self.cache_dir
            / _safe_part(org_id, "org id")
            / _safe_part(app_version_id, "app version id")
            / folder
            / _safe_part(source.filename, "file name")
        )
        lock = self._locks.setdefault(path, asyncio.Lock())
        async with lock:
            if not path.is_file():
                digest = await self._download(source, path, app_version_id)
                if not source.sha256:
                    source = await self._pin(org_id, app_version_id, source, digest)
        return LocalBuild(
            org_id=org_id,
            app_version_id=app_version_id,
            path=path,
            sha256=source.sha256,
            package=source.package,
        )

    async def _pin(
        self, org_id: str, app_version_id: str, source: BuildSource, digest: str
    ) -> BuildSource:
        """Register a build known only by its URL with the checksum of what was fetched, so
        that the URL cannot serve other bytes to a later fetch."""
        build = AppBuild(
            org_id=org_id,
            app_version_id=app_version_id,
            source=source.url,
            sha256=digest,
            filename=source.filename,
            created_at=datetime.now(UTC),
        )
        outcome, registered = await self.builds.register(build)
        if outcome is RegisterOutcome.CONFLICT:
            raise InfrastructureError(
                f"build of {app_version_id} changed: {source.url} now has sha256 {digest}, "
                f"first fetched (or registered) as {registered.sha256}"
            )
        return BuildSource(source.url, digest, source.filename, source.package)

    async def _source(self, org_id: str, app_version_id: str, app_url: str) -> BuildSource:
        build = await self.builds.get(org_id, app_version_id)
        if build is not None:
            return BuildSource(build.source, build.sha256, build.filename, build.package)
        if app_url:
            return BuildSource(app_url, "", _name_from_url(app_url))
        raise InfrastructureError(
            f"no build of app version {app_version_id} for org {org_id}: register one with "
            "`qgjob app upload` (POST /v1/apps/{app_version_id}) or submit jobs with app_url"
        )

    async def _download(self, source: BuildSource, path: Path, version: str) -> str:
        tmp = await asyncio.to_thread(_temp_beside, path)
        try:
            digest = await self._copy(source.url, tmp, version)
            await asyncio.to_thread(_keep_verified, tmp, path, digest, source.sha256, version)
        finally:
            await asyncio.to_thread(tmp.unlink, missing_ok=True)
        return digest

    async def _copy(self, url: str, dest: Path, version: str) -> str:
        scheme = urlsplit(url).scheme
        if scheme == "file":
            return await asyncio.to_thread(_copy_file, Path(unquote(urlsplit(url).path)), dest)
        if scheme in ("http", "https"):
            return await self._http_copy(url, dest, version)
        raise InfrastructureError(f"build of {version}: cannot fetch {url!r} (unknown scheme)")

    async def _http_copy(self, url: str, dest: Path, version: str) -> str:
        sha = hashlib.sha256()
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=False) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    request = await self._pinned_request(client, url, version)
                    response = await client.send(request, stream=True)
                    try:
                        location = response.headers.get("location")
                        if response.status_code in REDIRECTS and location:
                            url = str(httpx.URL(url).join(location))
                            continue
                        if response.status_code != 200:
                            raise InfrastructureError(
                                f"build of {version} is missing: GET {url} answered "
                                f"{response.status_code}"
                            )
                        with dest.open("wb") as fh:
                            async for chunk in response.aiter_bytes(CHUNK):
                                sha.update(chunk)
                                fh.write(chunk)
                        return sha.hexdigest()
                    finally:
                        await response.aclose()
        except httpx.HTTPError as exc:
            raise InfrastructureError(
                f"build of {version}: download from {url} failed: {exc}"
            ) from None
        raise InfrastructureError(f"build of {version}: more than {MAX_REDIRECTS} redirects")

    async def _pinned_request(
        self, client: httpx.AsyncClient, url: str, version: str
    ) -> httpx.Request:
        """A GET of ``url`` sent to an address its host resolved to and that was checked;
        the Host header and TLS server name stay the URL's host."""
        try:
            scheme, host, _ = split_http_url(url)
            addresses = await checked_addresses(url, allow_private=self.allow_private)
        except BuildUrlError as exc:
            raise InfrastructureError(f"build of {version}: {url} refused: {exc}") from None
        except (OSError, UnicodeError) as exc:
            raise InfrastructureError(
                f"build of {version}: cannot resolve the host of {url}: {exc}"
            ) from None
        target = httpx.URL(url)
        address = str(addresses[0])
        pinned = target.copy_with(host=address)
        headers = {"Host": target.netloc.decode("ascii")}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        return client.build_request("GET", pinned, headers=headers, extensions=extensions)


def _copy_file(src: Path, dest: Path) -> str:
    sha = hashlib.sha256()
    try:
        with src.open("rb") as fin, dest.open("wb") as fout:
            while chunk := fin.read(CHUNK):
                sha.update(chunk)
                fout.write(chunk)
    except FileNotFoundError:
        raise InfrastructureError(f"build file {src} is missing from the build store") from None
    return sha.hexdigest()


def _temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".download-")
    os.close(fd)
    return Path(name)


def _keep_verified(tmp: Path, path: Path, digest: str, expected: str, version: str) -> None:
    """Move the download into the cache, once it proved to be the build."""
    _verify(tmp, digest, expected, version)
    tmp.replace(path)


def _verify(path: Path, digest: str, expected: str, version: str) -> None:
    if expected and digest != expected.lower():
        raise InfrastructureError(
            f"build of {version} is corrupt: sha256 {digest}, registered {expected}"
        )
    with path.open("rb") as fh:
        head = fh.read(len(ZIP_MAGIC))
    if head != ZIP_MAGIC:
        raise InfrastructureError(f"build of {version} is corrupt: not an .apk/.aab/.ipa archive")
