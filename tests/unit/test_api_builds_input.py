"""Registering builds with bad names, ids and checksums, and build store failures:
each gets its own clear answer and nothing registered is lost (the API in-process)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from structlog.testing import capture_logs

from qgjob_api.app import create_app
from qgjob_api.openapi import spec
from qgjob_api.settings import ApiSettings
from qgjob_schemas import ID_PATTERN
from qgjob_store import Store
from tests.support.devices import make_build


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        redis_url="memory://",
        build_store_dir=tmp_path / "builds",
        artifact_dir=tmp_path / "artifacts",
    )


@pytest.fixture
async def client(api_settings: ApiSettings, mem_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_settings, mem_store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        yield c


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files(name: str, data: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "application/octet-stream")}


def error(r: httpx.Response) -> tuple[int, str, list[str]]:
    body = r.json()["error"]
    return r.status_code, body["code"], [d["field"] for d in body["details"]]


@pytest.mark.parametrize(
    "url",
    [
        "http://builds.example/x%00.apk",
        "http://builds.example/x%1b.apk",
        "http://builds.example/x%C2%85.apk",
        "http://builds.example/x%E2%80%AE.apk",
        "http://builds.example/a%2Fb.apk",
        "http://builds.example/a%5Cb.apk",
        "http://builds.example/x%FF.apk",
        "http://builds.example/" + "a" * 300 + ".apk",
    ],
)
async def test_a_url_whose_file_name_cannot_be_stored_is_422(
    client: httpx.AsyncClient, url: str
) -> None:
    r = await client.post("/v1/apps/v1", data={"org_id": "acme", "url": url, "sha256": "ab" * 32})
    assert error(r) == (422, "validation_error", ["url"]), r.text
    assert (await client.get("/v1/apps/v1", params={"org_id": "acme"})).status_code == 404


@pytest.mark.parametrize(
    "name", ["a/b.apk", "..\\b.apk", "a\x1bb.apk", "a\u202eb.apk", "a" * 300 + ".apk"]
)
async def test_an_upload_whose_file_name_cannot_be_stored_is_422(
    client: httpx.AsyncClient, api_settings: ApiSettings, name: str
) -> None:
    r = await client.post("/v1/apps/v1", data={"org_id": "acme"}, files=files(name, b"PK\x03\x04"))
    assert error(r) == (422, "validation_error", ["file"]), r.text
    assert "retry-after" not in r.headers
    assert not [p for p in api_settings.build_store_dir.rglob("*") if p.is_file()]


async def test_a_wrong_sha256_leaves_the_registered_build_alone(
    client: httpx.AsyncClient, api_settings: ApiSettings, tmp_path: Path
) -> None:
    data = make_build(tmp_path / "app.apk").read_bytes()
    first = await client.post("/v1/apps/v1", data={"org_id": "acme"}, files=files("app.apk", data))
    assert first.status_code == 201, first.text
    (stored,) = api_settings.build_store_dir.rglob("*.apk")
    wrong = await client.post(
        "/v1/apps/v1",
        data={"org_id": "acme", "sha256": "0" * 64},
        files=files("app.apk", data),
    )
    assert error(wrong) == (422, "validation_error", ["sha256"])
    assert stored.read_bytes() == data  # the registered file is still there, whole
    # another org's wrong upload of the same bytes leaves it alone too
    other = await client.post(
        "/v1/apps/v1", data={"org_id": "zeta", "sha256": "0" * 64}, files=files("app.apk", data)
    )
    assert other.status_code == 422
    assert stored.read_bytes() == data
    got = await client.get("/v1/apps/v1", params={"org_id": "acme"})
    assert got.json() == first.json()
    assert list(api_settings.build_store_dir.rglob("*.apk")) == [stored]  # nothing else kept


async def test_the_same_bytes_under_another_name_keep_only_the_registered_file(
    client: httpx.AsyncClient, api_settings: ApiSettings, tmp_path: Path
) -> None:
    data = make_build(tmp_path / "app.apk").read_bytes()
    first = await client.post("/v1/apps/v1", data={"org_id": "acme"}, files=files("app.apk", data))
    again = await client.post("/v1/apps/v1", data={"org_id": "acme"}, files=files("b.apk", data))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    kept = [p.name for p in api_settings.build_store_dir.rglob("*.apk")]
    assert kept == ["app.apk"]


def _id_path_params() -> list[tuple[str, str, str]]:
    """``(method, path, parameter)`` for every path parameter that is an id, from the spec."""
    found = []
    for path, ops in spec()["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                if p["in"] == "path" and p["schema"].get("pattern") == ID_PATTERN:
                    found.append((method.upper(), path, p["name"]))
    return found


ID_PARAMS = _id_path_params()


def test_ids_are_found_in_the_spec() -> None:
    assert ("POST", "/v1/apps/{app_version_id}", "app_version_id") in ID_PARAMS
    assert len(ID_PARAMS) >= 10


@pytest.mark.parametrize(("method", "path", "name"), ID_PARAMS)
@pytest.mark.parametrize("dots", ["%2e%2e", "%2e", "%2E%2e", "-rf", ".hidden"])
async def test_no_id_may_be_a_dot_segment(
    client: httpx.AsyncClient, method: str, path: str, name: str, dots: str
) -> None:
    url = path.replace("{" + name + "}", dots)
    for other in ("job_id", "suite_id", "app_version_id", "group_id", "token_id", "worker_id"):
        url = url.replace("{" + other + "}", "x1")
    url = url.replace("{path}", "log.txt")
    r = await client.request(method, url, data={"org_id": "acme"})
    assert error(r)[0:2] == (422, "validation_error"), (method, url, r.text)
    assert "starting with a letter or digit" in r.json()["error"]["message"]


@pytest.mark.parametrize("org", ["..", ".", "-x"])
async def test_no_org_id_may_be_a_dot_segment(client: httpx.AsyncClient, org: str) -> None:
    form = await client.post(
        "/v1/apps/v1", data={"org_id": org}, files=files("app.apk", b"PK\x03\x04")
    )
    assert error(form) == (422, "validation_error", ["org_id"])
    job = await client.post(
        "/v1/jobs", json={"org_id": org, "app_version_id": "v1", "test_path": "t.js"}
    )
    assert error(job) == (422, "validation_error", ["org_id"])


@pytest.fixture
def full_store(tmp_path: Path) -> Iterator[Path]:
    """A build store on a 256 KiB tmpfs: writing more fills the disk for real."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 or shutil.which("umount") is None:
        pytest.skip("mounting a small tmpfs needs root (CAP_SYS_ADMIN)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_a_full_build_store_is_507_and_logged(
    mem_store: Store, full_store: Path, tmp_path: Path
) -> None:
    settings = ApiSettings(redis_url="memory://", build_store_dir=full_store)
    app = create_app(settings, mem_store)
    big = b"PK\x03\x04" + b"\x00" * (1 << 20)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        with capture_logs() as logs:
            r = await c.post("/v1/apps/v1", data={"org_id": "acme"}, files=files("a.apk", big))
        assert (r.status_code, r.json()["error"]["code"]) == (507, "build_store_full")
        assert "retry-after" not in r.headers
        assert [e for e in logs if e["event"] == "build store full" and e["log_level"] == "error"]
        assert not [p for p in full_store.rglob("*") if p.is_file()]  # the partial file is gone
        assert (await c.get("/v1/apps/v1", params={"org_id": "acme"})).status_code == 404


async def test_an_unwritable_build_store_is_500_build_store_error_and_logged(
    mem_store: Store, tmp_path: Path
) -> None:
    store = tmp_path / "builds"
    store.mkdir()
    (store / ".incoming").write_text("a file where the upload folder should be")
    app = create_app(ApiSettings(redis_url="memory://", build_store_dir=store), mem_store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        with capture_logs() as logs:
            r = await c.post(
                "/v1/apps/v1", data={"org_id": "acme"}, files=files("a.apk", b"PK\x03\x04x")
            )
        assert (r.status_code, r.json()["error"]["code"]) == (500, "build_store_error")
        assert "retry-after" not in r.headers
        assert [e for e in logs if e["event"] == "build store error" and e["log_level"] == "error"]


async def test_an_artifact_name_too_long_for_the_file_system_is_404(
    client: httpx.AsyncClient,
) -> None:
    job = await client.post(
        "/v1/jobs", json={"org_id": "acme", "app_version_id": "v1", "test_path": "t.js"}
    )
    r = await client.get(f"/v1/jobs/{job.json()['id']}/artifacts/{'a' * 300}")
    assert error(r)[0:2] == (404, "not_found")
    nul = await client.get(f"/v1/jobs/{job.json()['id']}/artifacts/a%00b")
    assert error(nul) == (422, "validation_error", ["path"])


async def test_uploads_abandoned_by_a_killed_process_are_removed_at_start(
    mem_store: Store, api_settings: ApiSettings
) -> None:
    incoming = api_settings.build_store_dir / ".incoming"
    incoming.mkdir(parents=True)
    old, fresh = incoming / "upload-old", incoming / "upload-fresh"
    old.write_bytes(b"PK\x03\x04 half an upload")
    fresh.write_bytes(b"PK\x03\x04 being written by another API process")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    app = create_app(api_settings, mem_store)
    async with app.router.lifespan_context(app):
        assert sorted(p.name for p in incoming.iterdir()) == ["upload-fresh"]


async def test_concurrent_uploads_each_discard_only_their_own_file(
    client: httpx.AsyncClient, api_settings: ApiSettings, tmp_path: Path
) -> None:
    data = make_build(tmp_path / "app.apk").read_bytes() * 64  # several chunks each
    right, wrong = {"org_id": "acme", "sha256": sha(data)}, {"org_id": "acme", "sha256": "0" * 64}
    for _ in range(3):
        answers = await asyncio.gather(
            *(
                client.post("/v1/apps/v1", data=form, files=files("app.apk", data))
                for form in (wrong, right, wrong, right, wrong)
            )
        )
        statuses = sorted(r.status_code for r in answers)
        assert statuses[2:] == [422, 422, 422] and set(statuses[:2]) <= {200, 201}
        (stored,) = api_settings.build_store_dir.rglob("*.apk")
        assert stored.read_bytes() == data
        assert list((api_settings.build_store_dir / ".incoming").iterdir()) == []
