"""A build far larger than the request body limit is uploaded to the API as a real process:
it is stored whole, checksum right, while the process's memory stays bounded; and a build
larger than the file system lets the process write is a 507, not an outage."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.support.platform import Platform

pytestmark = pytest.mark.e2e
BUILD_BYTES = 300 << 20
RSS_GROWTH_MAX = 64 << 20


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _write_build(path: Path) -> str:
    """A zip-headed file of BUILD_BYTES pseudo-random bytes; returns its sha256."""
    sha = hashlib.sha256()
    block = os.urandom(1 << 20)
    with path.open("wb") as fh:
        for i in range(BUILD_BYTES >> 20):
            chunk = (b"PK\x03\x04" + block[4:]) if i == 0 else block[i % 7 :] + block[: i % 7]
            sha.update(chunk)
            fh.write(chunk)
    return sha.hexdigest()


def test_a_300_mib_build_uploads_with_bounded_memory(platform: Platform, tmp_path: Path) -> None:
    store = tmp_path / "builds"
    api = platform.start_api_with({"QGJOB_BUILD_STORE_DIR": str(store)})
    assert api.proc is not None
    pid = api.proc.pid
    apk = tmp_path / "big.apk"
    sha = _write_build(apk)
    with platform.client(timeout=300) as client:
        small = tmp_path / "small.apk"
        small.write_bytes(b"PK\x03\x04warm-up")
        warm = client.post(
            "/v1/apps/warm", data={"org_id": "acme"}, files={"file": small.open("rb")}
        )
        assert warm.status_code == 201, warm.text
        before = _status_kib(pid, "VmRSS") * 1024
        with apk.open("rb") as fh:
            r = client.post(
                "/v1/apps/big-1",
                data={"org_id": "acme", "sha256": sha},
                files={"file": ("big.apk", fh, "application/vnd.android.package-archive")},
            )
        peak = _status_kib(pid, "VmHWM") * 1024
        assert r.status_code == 201, r.text
        build = r.json()
        assert (build["size"], build["sha256"]) == (BUILD_BYTES, sha)
        stored = store / build["source"].removeprefix("store:")
        assert stored.stat().st_size == BUILD_BYTES
        assert client.get("/v1/apps/big-1", params={"org_id": "acme"}).json() == build
    growth = peak - before
    print(
        f"upload {BUILD_BYTES >> 20} MiB: API RSS before {before >> 20} MiB, peak "
        f"{peak >> 20} MiB, growth {growth / (1 << 20):.1f} MiB"
    )
    assert growth < RSS_GROWTH_MAX, f"RSS grew by {growth >> 20} MiB"
    assert not [p for p in (store / ".incoming").iterdir()]  # no temporary file left


def test_a_build_the_file_system_cannot_hold_is_507(platform: Platform, tmp_path: Path) -> None:
    """The API process may write files of at most 1 MiB (``prlimit --fsize``, what a file
    system's size limit does, without root): a 2 MiB build is 507 ``build_store_full``, with
    no ``Retry-After``, the partial file removed and nothing registered."""
    store = tmp_path / "builds"
    platform.start_api_with(
        {"QGJOB_BUILD_STORE_DIR": str(store)}, wrapper=["prlimit", f"--fsize={1 << 20}", "--"]
    )
    with platform.client(timeout=60) as client:
        big = b"PK\x03\x04" + os.urandom(2 << 20)
        r = client.post("/v1/apps/v1", data={"org_id": "acme"}, files={"file": ("a.apk", big)})
        assert (r.status_code, r.json()["error"]["code"]) == (507, "build_store_full"), r.text
        assert "retry-after" not in r.headers
        assert client.get("/v1/apps/v1", params={"org_id": "acme"}).status_code == 404
        small = client.post(
            "/v1/apps/v2", data={"org_id": "acme"}, files={"file": ("a.apk", b"PK\x03\x04ok")}
        )
        assert small.status_code == 201  # the API itself is fine
    assert not [p for p in store.rglob("*") if p.is_file() and ".incoming" in p.parts]
    assert '"build store full"' in platform.services["api"].log_tail(200)
