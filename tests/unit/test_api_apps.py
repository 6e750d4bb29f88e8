"""Registering app builds and reading a job's artifacts through the API (in-process)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from qgjob_api.app import create_app
from qgjob_api.settings import ApiSettings
from qgjob_core.artifacts import ArtifactStore
from qgjob_store import Store
from tests.support.devices import make_build


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        redis_url="memory://",
        build_store_dir=tmp_path / "builds",
        artifact_dir=tmp_path / "artifacts",
        build_max_bytes=1 << 20,
    )


@pytest.fixture
async def client(api_settings: ApiSettings, mem_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_settings, mem_store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as c,
    ):
        yield c


def upload(path: Path, **form: str) -> dict[str, object]:
    return {
        "files": {"file": (path.name, path.read_bytes(), "application/octet-stream")},
        "data": form,
    }


async def test_upload_registers_the_build_with_its_checksum(
    client: httpx.AsyncClient, tmp_path: Path, api_settings: ApiSettings
) -> None:
    apk = make_build(tmp_path / "shop.apk")
    sha = hashlib.sha256(apk.read_bytes()).hexdigest()
    r = await client.post(
        "/v1/apps/build-42", **upload(apk, org_id="acme", sha256=sha, package="com.acme.shop")
    )  # type: ignore[arg-type]
    assert r.status_code == 201, r.text
    build = r.json()
    assert (build["sha256"], build["filename"], build["size"]) == (
        sha,
        "shop.apk",
        apk.stat().st_size,
    )
    assert build["package"] == "com.acme.shop"
    assert build["source"] == f"store:acme/build-42/{sha}/shop.apk"  # no server path shown
    stored = api_settings.build_store_dir / build["source"].removeprefix("store:")
    assert stored.read_bytes() == apk.read_bytes()
    got = await client.get("/v1/apps/build-42", params={"org_id": "acme"})
    assert got.status_code == 200 and got.json() == build
    again = await client.post("/v1/apps/build-42", **upload(apk, org_id="acme"))  # type: ignore[arg-type]
    assert again.status_code == 200 and again.json() == build
    other = make_build(tmp_path / "other.apk")
    conflict = await client.post("/v1/apps/build-42", **upload(other, org_id="acme"))  # type: ignore[arg-type]
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"
    assert (await client.get("/v1/apps/build-42", params={"org_id": "acme"})).json() == build
    # another org has its own build of the same version id
    assert (
        await client.post("/v1/apps/build-42", **upload(other, org_id="zeta"))
    ).status_code == 201  # type: ignore[arg-type]


async def test_a_url_build_needs_its_checksum(client: httpx.AsyncClient) -> None:
    sha = "ab" * 32
    form = {"org_id": "acme", "url": "https://cdn.example.com/b/app-release.apk?sig=x"}
    r = await client.post("/v1/apps/v7", data=form)
    assert r.status_code == 422
    assert r.json()["error"]["details"] == [
        {"field": "sha256", "message": "is required with a url (workers verify the download)"}
    ]
    r = await client.post("/v1/apps/v7", data={**form, "sha256": sha})
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "app-release.apk" and r.json()["source"] == form["url"]


@pytest.mark.parametrize(
    ("form", "name", "content", "field"),
    [
        ({"org_id": "acme"}, None, None, "file"),  # neither file nor url
        (
            {"org_id": "acme", "url": "https://x/app.apk", "sha256": "ab" * 32},
            "a.apk",
            b"PK\x03\x04",
            "file",
        ),
        ({"org_id": "acme"}, "notes.txt", b"PK\x03\x04x", "file"),
        ({"org_id": "acme"}, "app.apk", b"not a zip", "file"),
        ({"org_id": "acme", "sha256": "00" * 32}, "app.apk", b"PK\x03\x04x", "sha256"),
        ({"org_id": "acme", "sha256": "xyz"}, "app.apk", b"PK\x03\x04x", "sha256"),
        ({"org_id": "bad org"}, "app.apk", b"PK\x03\x04x", "org_id"),
        ({"org_id": "acme", "url": "ftp://x/app.apk", "sha256": "ab" * 32}, None, None, "url"),
        ({"org_id": "acme", "url": "https://x/app.zip", "sha256": "ab" * 32}, None, None, "url"),
    ],
)
async def test_bad_registrations_are_422_and_store_nothing(
    client: httpx.AsyncClient,
    api_settings: ApiSettings,
    form: dict[str, str],
    name: str | None,
    content: bytes | None,
    field: str,
) -> None:
    files = {"file": (name, content, "application/octet-stream")} if name else None
    r = await client.post("/v1/apps/v1", data=form, files=files)
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["error"]["details"]] == [field]
    assert (await client.get("/v1/apps/v1", params={"org_id": "acme"})).status_code == 404
    store = api_settings.build_store_dir
    assert not store.exists() or not [p for p in store.rglob("*") if p.is_file()]


async def test_too_large_a_build_is_413(client: httpx.AsyncClient, tmp_path: Path) -> None:
    big = tmp_path / "big.apk"
    big.write_bytes(b"PK\x03\x04" + b"0" * (2 << 20))
    r = await client.post("/v1/apps/v1", **upload(big, org_id="acme"))  # type: ignore[arg-type]
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert not [p for p in tmp_path.joinpath("builds").rglob("*") if p.is_file()]  # none kept


async def test_artifacts_are_listed_and_served(
    client: httpx.AsyncClient, api_settings: ApiSettings
) -> None:
    job = (
        await client.post(
            "/v1/jobs", json={"org_id": "acme", "app_version_id": "v1", "test_path": "t.spec.js"}
        )
    ).json()
    artifacts = ArtifactStore(api_settings.artifact_dir)
    run = artifacts.new_run(job["id"], 1)
    run.log.write_text("hello from the test\n")
    (run.output / "videos").mkdir()
    (run.output / "videos" / "login.webm").write_bytes(b"\x1a\x45\xdf\xa3 video")
    artifacts.publish(job["id"], 1)  # as the worker does once its result is taken
    r = await client.get(f"/v1/jobs/{job['id']}/artifacts")
    assert r.status_code == 200
    listed = {a["path"]: a for a in r.json()}
    assert set(listed) == {"attempt-1/run-1/log.txt", "attempt-1/run-1/output/videos/login.webm"}
    video = listed["attempt-1/run-1/output/videos/login.webm"]
    assert video["size"] == 10
    got = await client.get(video["url"])
    assert got.status_code == 200 and got.content == b"\x1a\x45\xdf\xa3 video"
    log = await client.get(listed["attempt-1/run-1/log.txt"]["url"])
    assert log.text == "hello from the test\n"


async def test_artifacts_of_unknown_jobs_or_outside_paths_are_404(
    client: httpx.AsyncClient, api_settings: ApiSettings, tmp_path: Path
) -> None:
    assert (await client.get("/v1/jobs/NOPE/artifacts")).status_code == 404
    job = (
        await client.post(
            "/v1/jobs", json={"org_id": "acme", "app_version_id": "v1", "test_path": "t.spec.js"}
        )
    ).json()
    assert (await client.get(f"/v1/jobs/{job['id']}/artifacts")).json() == []
    (tmp_path / "secret.txt").write_text("no")
    for path in ["../../secret.txt", "..%2F..%2Fsecret.txt", "attempt-1/none.txt"]:
        r = await client.get(f"/v1/jobs/{job['id']}/artifacts/{path}")
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "not_found"


async def test_a_job_may_carry_its_app_url(client: httpx.AsyncClient) -> None:
    body = {"org_id": "acme", "app_version_id": "v1", "test_path": "t.spec.js"}
    url = "https://cdn.acme.dev/v1/app.apk"
    r = await client.post("/v1/jobs", json={**body, "app_url": url})
    assert r.status_code == 201 and r.json()["app_url"] == url
    assert (await client.get(f"/v1/jobs/{r.json()['id']}")).json()["app_url"] == url
    bad = await client.post("/v1/jobs", json={**body, "app_url": "not a url"})
    assert bad.status_code == 422
    assert [d["field"] for d in bad.json()["error"]["details"]] == ["app_url"]
