"""``qgjob-api`` as a real process: refuses to run unprotected, serves HTTPS that the CLI
verifies, logs JSON with request ids; the scheduler and worker serve Prometheus metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.api import ADMIN_TOKEN
from tests.support.platform import Platform
from tests.support.processes import python_module
from tests.support.redis_server import free_port
from tests.support.tls import make_certificates
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


def test_the_api_refuses_to_start_without_an_admin_token(redis_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QGJOB_ADMIN_TOKEN"}
    env |= {"QGJOB_REDIS_URL": redis_url, "QGJOB_PORT": str(free_port())}
    done = subprocess.run(
        python_module("qgjob_api"), env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "QGJOB_ADMIN_TOKEN is not set" in done.stderr
    assert "Traceback" not in done.stderr


def qgjob(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "QGJOB_API_URL": url, **env}
    argv = [sys.executable, "-m", "qgjob_cli", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=full, timeout=60, check=False)


def test_https_tokens_through_the_cli_logs_and_metrics(
    redis_url: str, prefix: str, out_dir: Path, tmp_path: Path
) -> None:
    ca, cert, key = make_certificates(tmp_path)
    env = {
        "QGJOB_ADMIN_TOKEN": ADMIN_TOKEN,
        "QGJOB_TLS_CERT_FILE": str(cert),
        "QGJOB_TLS_KEY_FILE": str(key),
        "QGJOB_CA_BUNDLE": str(ca),
    }
    platform = Platform(redis_url, prefix, out_dir, env)
    sched_port, worker_port = free_port(), free_port()
    try:
        platform.start_api()
        platform.start_scheduler(env={"QGJOB_METRICS_PORT": str(sched_port)})
        platform.start_worker("emulator", env={"QGJOB_METRICS_PORT": str(worker_port)})
        url = platform.api_url
        assert url.startswith("https://")
        trusted = {"QGJOB_CA_BUNDLE": str(ca), "QGJOB_ADMIN_TOKEN": ADMIN_TOKEN}

        created = qgjob(url, "admin", "token", "create", "--org", "acme", **trusted)
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip()
        assert token.startswith("qgj_") and "created token" in created.stderr
        as_acme = {**trusted, "QGJOB_TOKEN": token, "QGJOB_ADMIN_TOKEN": ""}
        submitted = qgjob(
            url, "submit", "--app-version-id", "v1", "--test", "tests/a.spec.js", **as_acme
        )
        assert submitted.returncode == 0, submitted.stderr
        job_id = submitted.stdout.strip()

        def passed() -> bool:
            shown = qgjob(url, "status", job_id, **as_acme)
            return shown.returncode == 0 and f"{job_id}  passed" in shown.stdout

        wait_until(passed, timeout=60, interval=0.3, what="the job to pass over HTTPS")

        untrusted = qgjob(url, "status", job_id, QGJOB_TOKEN=token, QGJOB_CA_BUNDLE="")
        assert untrusted.returncode == 15
        assert len(untrusted.stderr.strip().splitlines()) == 1
        assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr

        token_id = token.split("_")[1]
        revoked = qgjob(url, "admin", "token", "revoke", token_id, **trusted)
        assert revoked.returncode == 0 and revoked.stdout.strip() == f"revoked {token_id}"
        refused = qgjob(url, "status", job_id, **as_acme)
        assert refused.returncode == 15
        assert refused.stderr.strip().startswith("qgjob: error 401: invalid or revoked token;")

        worker_metrics = wait_until(
            lambda: _metric_text(worker_port, 'qgjob_test_duration_seconds_count{outcome="passed"'),
            timeout=20,
            what="worker metrics",
        )
        assert 'qgjob_worker_installs_total{result="installed"} 1.0' in worker_metrics
        sched_metrics = wait_until(
            lambda: _metric_text(sched_port, 'qgjob_jobs{status="passed"} 1.0'),
            timeout=20,
            what="scheduler metrics",
        )
        assert 'qgjob_queue_depth{stream="jobs"} 0.0' in sched_metrics
        assert "qgjob_dead_letters_total 0.0" in sched_metrics
    finally:
        codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
    lines = [json.loads(x) for x in platform.services["api"].log_path.read_text().splitlines()]
    requests = [x for x in lines if x.get("event") == "request"]
    assert len(requests) >= 5
    assert all(len(x["request_id"]) == 32 and x["service"] == "api" for x in requests)
    assert {x["status"] for x in requests} >= {200, 201, 401}


def _metric_text(port: int, needle: str) -> str | None:
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
    except httpx.HTTPError:
        return None
    return text if needle in text else None
