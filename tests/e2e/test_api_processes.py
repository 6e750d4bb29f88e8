"""``QGJOB_API_PROCESSES=2``: two API processes serve one port; a process that dies is
replaced, ``/metrics`` counts the requests of both, and SIGTERM stops them all with exit 0."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.platform import Platform
from tests.support.processes import pid_alive, python_module
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
READS = re.compile(
    r'^qgjob_http_request_duration_seconds_count\{method="GET",'
    r'route="/v1/jobs/\{job_id\}",status="200"\} (\S+)$',
    re.M,
)


def servers(parent: int) -> set[int]:
    """The API processes the parent started (its other child is multiprocessing's tracker)."""
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except FileNotFoundError:
        return set()
    out = set()
    for pid in map(int, children):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.add(pid)
        except FileNotFoundError:
            continue
    return out


def processes_that_read(log: Path) -> set[int]:
    out = set()
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("route") == "/v1/jobs/{job_id}" and "process" in entry:
            out.add(entry["process"])
    return out


def test_two_processes_share_the_port_the_metrics_and_the_shutdown(
    redis_url: str, prefix: str, out_dir: Path
) -> None:
    platform = Platform(redis_url, prefix, out_dir, {"QGJOB_LOG_FORMAT": "json"})
    try:
        api = platform.start_api_with({"QGJOB_API_PROCESSES": "2"})
        assert api.proc is not None
        parent = api.proc.pid
        first = wait_until(lambda: len(servers(parent)) == 2 and servers(parent), timeout=30)
        with platform.client(timeout=10) as client:
            job = client.post(
                "/v1/jobs",
                json={"org_id": "acme", "app_version_id": "v1", "test_path": "a.spec.js"},
            ).json()
        headers = {"Authorization": f"Bearer {platform.env['QGJOB_ADMIN_TOKEN']}"}
        url = f"{platform.api_url}/v1/jobs/{job['id']}"
        sent = 0

        def read() -> str:  # a connection of its own: the processes take turns accepting
            return str(httpx.get(url, headers=headers, timeout=10).json()["id"])

        def both_served() -> bool:
            nonlocal sent
            with ThreadPoolExecutor(16) as pool:
                ids = list(pool.map(lambda _: read(), range(16)))
            sent += len(ids)
            assert ids == [job["id"]] * 16
            return processes_that_read(api.log_path) == {0, 1}

        wait_until(both_served, timeout=60, interval=0, what="both processes to serve reads")
        metrics = httpx.get(f"{platform.api_url}/metrics", timeout=10).text
        assert [float(n) for n in READS.findall(metrics)] == [float(sent)]

        victim = sorted(first)[0]
        os.kill(victim, signal.SIGKILL)
        again = wait_until(
            lambda: len(servers(parent)) == 2 and victim not in servers(parent) and servers(parent),
            timeout=30,
            what="a new process in place of the killed one",
        )
        assert read() == job["id"]

        assert api.stop(timeout=30) == 0
        assert not any(pid_alive(pid) for pid in again)
        assert "Traceback" not in api.log_path.read_text()
    finally:
        platform.stop_all()


def test_a_process_that_cannot_start_stops_them_all_with_a_clear_error(
    redis_url: str, prefix: str, out_dir: Path
) -> None:
    cert, key = out_dir / "cert.pem", out_dir / "key.pem"
    cert.write_text("not a certificate\n")
    key.write_text("not a key\n")
    platform = Platform(redis_url, prefix, out_dir, {"QGJOB_LOG_FORMAT": "json"})
    api = platform.add(
        "api",
        python_module("qgjob_api"),
        {
            "QGJOB_PORT": str(platform.port),
            "QGJOB_API_PROCESSES": "2",
            "QGJOB_TLS_CERT_FILE": str(cert),
            "QGJOB_TLS_KEY_FILE": str(key),
        },
    )
    assert api.proc is not None
    code = api.proc.wait(60)
    assert code == 1
    log = api.log_path.read_text()
    assert "an API process failed to start" in log
    assert "cannot serve" in log and "SSLError" in log
    assert "Traceback" not in log


def test_a_port_in_use_is_one_error_before_any_process_starts(
    redis_url: str, prefix: str, out_dir: Path
) -> None:
    platform = Platform(redis_url, prefix, out_dir, {"QGJOB_LOG_FORMAT": "json"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", platform.port))
        taken.listen()
        api = platform.add(
            "api",
            python_module("qgjob_api"),
            {"QGJOB_PORT": str(platform.port), "QGJOB_API_PROCESSES": "2"},
        )
        assert api.proc is not None
        assert api.proc.wait(60) == 1
    log = api.log_path.read_text()
    assert "cannot listen" in log and "Traceback" not in log
    assert "serving with several processes" not in log
