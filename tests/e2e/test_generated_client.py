"""The Python client package (clients/python, generated from openapi.json by
openapi-python-client), installed with pip into a temporary folder, drives submit → get →
list → suite → build upload against the API as a real process."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.api import ADMIN, ADMIN_TOKEN
from tests.support.clients import PY_CLIENT
from tests.support.devices import PACKAGE, make_build
from tests.support.platform import Platform
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def _run(*argv: str | Path, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _install_client(tmp_path: Path) -> Any:
    """pip-install the committed clients/python (from a copy: pip builds in the tree it is
    given) into a folder of its own, and import it."""
    out, site = tmp_path / "qgjob-client", tmp_path / "site"
    shutil.copytree(PY_CLIENT, out, ignore=shutil.ignore_patterns(".ruff_cache", "__pycache__"))
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        site,
        out,
        cwd=tmp_path,
    )
    sys.path.insert(0, str(site))
    return importlib.import_module("qgjob_client")


def test_generated_client_submit_get_list_suite(
    redis_url: str, prefix: str, out_dir: Path, tmp_path: Path
) -> None:
    platform = Platform(redis_url, prefix, out_dir, {"QGJOB_ADMIN_TOKEN": ADMIN_TOKEN})
    try:
        platform.start_api()
        platform.start_scheduler()
        platform.start_worker("emulator")
        client_pkg = _install_client(tmp_path)
        calls = drive(client_pkg, platform.api_url, tmp_path)
    finally:
        codes = platform.stop_all()
        sys.path[:] = [p for p in sys.path if not p.startswith(str(tmp_path))]
    (out_dir / "client-calls.json").write_text(json.dumps(calls, indent=2))
    print(f"generated client {client_pkg.__name__}: {calls}")
    assert all(code == 0 for code in codes.values()), codes


def drive(pkg: Any, url: str, tmp: Path) -> list[str]:
    from qgjob_client.api.jobs import get_job, list_jobs, submit_job  # type: ignore[import-not-found]
    from qgjob_client.api.suites import get_suite, submit_suite  # type: ignore[import-not-found]
    from qgjob_client.models import JobPayload, SuitePayload, Target  # type: ignore[import-not-found]

    token = httpx.post(f"{url}/v1/admin/tokens", json={"org_id": "acme"}, headers=ADMIN).json()
    client = pkg.AuthenticatedClient(base_url=url, token=token["token"])
    calls: list[str] = []

    payload = JobPayload(app_version_id="build-42", test_path="tests/login.spec.js")
    job = submit_job.sync(client=client, body=payload, idempotency_key="ci-1")
    calls.append("jobs.submit_job.sync")
    assert job.org_id == "acme" and job.status.value == "queued"
    again = submit_job.sync(client=client, body=payload, idempotency_key="ci-1")
    calls.append("jobs.submit_job.sync (same Idempotency-Key: replayed)")
    assert again.id == job.id

    got = get_job.sync(job_id=job.id, client=client)
    calls.append("jobs.get_job.sync")
    assert got.test_path == "tests/login.spec.js"

    page = list_jobs.sync(client=client, limit=10)
    calls.append("jobs.list_jobs.sync")
    assert [j.id for j in page.items] == [job.id]

    suite_body = SuitePayload(
        app_version_id="build-42",
        tests=["tests/a.spec.js", "tests/fail_b.spec.js"],
        targets=[Target.EMULATOR],
    )
    suite = submit_suite.sync(client=client, body=suite_body)
    calls.append("suites.submit_suite.sync")
    assert suite.total == 2 and len(suite.job_ids) == 2

    def finished() -> Any:
        current = get_suite.sync(suite_id=suite.id, client=client)
        return current if current.finished else None

    done = wait_until(finished, timeout=60, interval=0.2, what="the suite to finish")
    calls.append("suites.get_suite.sync")
    assert done.passed is False  # one test fails on purpose
    assert done.counts.additional_properties == {"passed": 1, "failed": 1}

    missing = get_job.sync_detailed(job_id="NOPE", client=client)
    calls.append("jobs.get_job.sync_detailed")
    assert missing.status_code == 404 and missing.parsed.error.code == "not_found"

    calls += upload(client, tmp)
    return calls


def upload(client: Any, tmp: Path) -> list[str]:
    """The build upload as generated: a named multipart body whose file is a file part."""
    from qgjob_client.api.apps import register_app_build  # type: ignore[import-not-found]
    from qgjob_client.models import AppBuildUpload  # type: ignore[import-not-found]
    from qgjob_client.types import File  # type: ignore[import-not-found]

    apk = make_build(tmp / "shop.apk")
    with apk.open("rb") as fh:
        body = AppBuildUpload(file=File(payload=fh, file_name="shop.apk"), package=PACKAGE)
        made = register_app_build.sync_detailed(app_version_id="build-42", client=client, body=body)
    assert made.status_code == 201, made.content
    sha = hashlib.sha256(apk.read_bytes()).hexdigest()
    assert (made.parsed.sha256, made.parsed.org_id, made.parsed.package) == (sha, "acme", PACKAGE)
    return ["apps.register_app_build.sync_detailed (multipart upload)"]
