"""The same flow through ``qgjob up`` (embedded store) and the ``qgjob`` CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from qgjob_cli.main import app
from tests.support.processes import Service
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
TERMINAL = {"passed", "failed", "dead", "cancelled"}
FAST = {
    "QGJOB_SIM_INSTALL_MS": "200",
    "QGJOB_SIM_TEST_MS": "30",
    "QGJOB_GROUP_LINGER_MS": "200",
    "QGJOB_RETRY_BASE_S": "0.05",
    "QGJOB_RETRY_CAP_S": "0.2",
    "QGJOB_HEARTBEAT_INTERVAL_S": "0.2",
}


@pytest.fixture
def up(out_dir: Path) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "qgjob_cli", "up", "--port", str(port)]
    # runs open, and says so; on the embedded store whatever REDIS_URL the machine has
    env = {**FAST, "QGJOB_ADMIN_TOKEN": "", "QGJOB_REDIS_URL": "memory://"}
    svc = Service("qgjob-up", argv, env, out_dir).start()
    wait_until(lambda: "qgjob is up at" in svc.log_tail(), timeout=30, what="qgjob up")
    wait_until(lambda: "authentication is OFF" in svc.log_tail(), timeout=5, what="the warning")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        code = svc.stop()
        assert code == 0, svc.log_tail()
        assert "qgjob stopped" in svc.log_tail()


def qgjob(url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process."""
    env = {**os.environ, "QGJOB_API_URL": url}
    argv = [sys.executable, "-m", "qgjob_cli", *args]
    return subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=60, check=False, cwd=cwd
    )


def qgjob_inline(url: str, *args: str) -> Result:
    """The same command line, run in this process (fast enough for many calls)."""
    return CliRunner().invoke(app, list(args), env={"QGJOB_API_URL": url})


def test_up_then_submit_and_status_through_the_cli(up: str) -> None:
    plan = (
        [("A", "emulator", f"tests/a{i}.spec.js") for i in range(11)]
        + [("A", "emulator", "tests/fail_login.spec.js")]
        + [("B", "emulator", f"tests/b{i}.spec.js") for i in range(6)]
        + [("A", "browserstack", f"tests/bs{i}.spec.js") for i in range(4)]
    )
    expected: dict[str, str] = {}
    for app_version, target, path in plan:
        args = (
            "submit",
            "--org-id=qualgent",
            f"--app-version-id={app_version}",
            f"--test={path}",
            f"--target={target}",
        )
        if not expected:  # the first through the installed command itself
            done = qgjob(up, *args)
            assert done.returncode == 0, done.stderr
            job_id = done.stdout.strip()
        else:
            result = qgjob_inline(up, *args)
            assert result.exit_code == 0, result.output
            job_id = result.stdout.strip()
        expected[job_id] = "failed" if "fail" in path else "passed"
    assert len(expected) == 22

    with httpx.Client(base_url=up) as client:

        def statuses() -> dict[str, str] | None:
            out = {jid: client.get(f"/v1/jobs/{jid}").json()["status"] for jid in expected}
            return out if all(s in TERMINAL for s in out.values()) else None

        assert wait_until(statuses, timeout=60, interval=0.1, what="22 jobs terminal") == expected
        stats = client.get("/v1/stats").json()
    assert stats["installs_done"] == 3
    first = next(iter(expected))
    shown = qgjob(up, "status", first)
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"{first}  passed")

    listed = qgjob_inline(up, "workers")
    assert listed.exit_code == 0, listed.output
    header, *lines = listed.stdout.splitlines()
    assert header.split() == [
        "WORKER", "TARGET", "STATE", "GROUP", "CAPACITY", "VERSIONS", "HEARTBEAT"
    ]  # fmt: skip
    assert [line.split()[:6] for line in lines] == [
        ["browserstack-1", "browserstack", "idle", "-", "1", "A"],
        ["device-1", "device", "idle", "-", "1", "-"],
        ["emulator-1", "emulator", "idle", "-", "1", "B,A"],
    ]
    as_json = json.loads(qgjob_inline(up, "workers", "--target=browserstack", "--json").stdout)
    assert [(w["id"], w["installed_versions"]) for w in as_json] == [("browserstack-1", ["A"])]
    wrong = qgjob_inline(up, "workers", "--state=asleep")
    assert wrong.exit_code == 2
    assert wrong.stderr.strip() == (
        "qgjob: --state must be one of idle, busy, draining, unhealthy, lost"
    )


def test_cli_errors_are_one_line_with_a_non_zero_exit(up: str) -> None:
    missing = qgjob(up, "status", "NOSUCHJOB")
    assert missing.returncode == 15
    assert missing.stderr.strip() == "qgjob: error 404: no job or suite NOSUCHJOB"
    bad = qgjob_inline(up, "submit", "--org-id=qual gent", "--app-version-id=a", "--test=t.js")
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "org_id" in bad.stderr
    refused = qgjob_inline(f"http://127.0.0.1:{free_port()}", "status", "X")
    assert refused.exit_code == 15
    assert "cannot connect" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_cancel_and_dead_letters_through_the_cli(up: str) -> None:
    def submit(path: str) -> str:
        result = qgjob_inline(
            up, "submit", "--org-id=qualgent", "--app-version-id=C", f"--test={path}"
        )
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    def status(job_id: str) -> str:
        result = qgjob_inline(up, "status", job_id, "--json")
        assert result.exit_code == 0, result.output
        return str(json.loads(result.stdout)["status"])

    hung = submit("tests/hang_upload.spec.js")
    broken = submit("tests/infra_network.spec.js")
    wait_until(lambda: status(hung) == "running", timeout=20, what="the hung test to run")
    cancelled = qgjob_inline(up, "cancel", hung)
    assert cancelled.exit_code == 0
    assert cancelled.stdout.startswith(f"{hung}  running (cancel requested)")
    wait_until(lambda: status(hung) == "cancelled", timeout=20, what="the cancel to land")
    again = qgjob_inline(up, "cancel", hung)
    assert again.exit_code == 15
    assert again.stderr.strip() == f"qgjob: error 409: job {hung} is already cancelled"

    wait_until(lambda: status(broken) == "dead", timeout=30, what="the broken job to die")
    listed = qgjob_inline(up, "dlq", "list")
    assert listed.exit_code == 0
    row = next(line for line in listed.stdout.splitlines() if line.startswith(broken))
    fields = row.split()  # JOB TEST REASON ATTEMPTS ...
    assert fields[fields.index("attempts_exhausted") :][:2] == ["attempts_exhausted", "3"]
    assert row.endswith("simulated device connection lost")
    requeued = qgjob_inline(up, "dlq", "requeue", broken)
    assert requeued.exit_code == 0
    assert requeued.stdout.strip().split()[1] in {"queued", "scheduled", "running", "error"}
    not_dead = qgjob_inline(up, "dlq", "requeue", hung)
    assert not_dead.exit_code == 15
    assert "not dead" in not_dead.stderr


def test_readme_three_test_suite_with_one_failure_exits_10_with_a_junit_report(
    up: str, tmp_path: Path
) -> None:
    """The README's first run, as a new user types it: three tests, one failing, --wait and
    --junit; the exit code is 10 and the report names the failure."""
    done = qgjob(
        up,
        "submit",
        "--org-id=acme",
        "--app-version-id=build-42",
        "--test=tests/login.spec.js",
        "--test=tests/checkout.spec.js",
        "--test=tests/fail_search.spec.js",
        "--wait",
        "--junit=report.xml",
        cwd=tmp_path,
    )
    assert done.returncode == 10, done.stderr
    assert "failed    tests/fail_search.spec.js  emulator" in done.stdout
    root = ET.parse(tmp_path / "report.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    failed = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["tests/fail_search.spec.js"]


def start_up(out_dir: Path, *args: str, **env: str) -> tuple[Service, str]:
    port = free_port()
    argv = [sys.executable, "-m", "qgjob_cli", "up", "--port", str(port), *args]
    base = {**FAST, "QGJOB_ADMIN_TOKEN": "", "QGJOB_REDIS_URL": "", "REDIS_URL": ""}
    svc = Service(f"qgjob-up-{port}", argv, {**base, **env}, out_dir).start()
    return svc, f"http://127.0.0.1:{port}"


def test_up_falls_back_to_the_embedded_store_when_its_redis_is_down(out_dir: Path) -> None:
    dead = f"redis://:secret@127.0.0.1:{free_port()}/0"
    svc, url = start_up(out_dir, "--redis-url", dead)
    try:
        wait_until(lambda: "qgjob is up at" in svc.log_tail(), timeout=30, what="qgjob up")
        log = svc.log_tail()
        assert "WARNING: cannot reach the Redis at redis://:***@127.0.0.1" in log
        assert "falling back to the embedded in-memory store" in log
        assert "store: embedded in-memory store" in log
        assert "secret" not in log
        # it works, and answers the seed's paths too
        assert qgjob_inline(url, "health").exit_code == 0
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
        assert httpx.get(f"{url}/stats").json() == httpx.get(f"{url}/v1/stats").json()
        spec = httpx.get(f"{url}/openapi.json").json()["paths"]
        assert "/health" not in spec and "/stats" not in spec  # aliases, not the contract
    finally:
        assert svc.stop() == 0


def test_up_refuses_a_redis_that_is_down_with_no_fallback(out_dir: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    svc, _ = start_up(out_dir, "--no-fallback", REDIS_URL=dead)
    assert svc.proc is not None
    wait_until(lambda: svc.proc.poll() is not None, timeout=30, what="qgjob up to exit")
    assert svc.proc.returncode == 15
    lines = svc.log_tail().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"qgjob: cannot reach the Redis at {dead}")
    assert "drop --no-fallback" in lines[0]


def test_up_reads_redis_url_and_says_which_store_it_uses(redis_url: str, out_dir: Path) -> None:
    svc, url = start_up(out_dir, REDIS_URL=redis_url, QGJOB_KEY_PREFIX=f"up{free_port()}")
    try:
        wait_until(lambda: "qgjob is up at" in svc.log_tail(), timeout=30, what="qgjob up")
        assert f"store: Redis at {redis_url}" in svc.log_tail()
        assert "WARNING: cannot reach" not in svc.log_tail()
        assert qgjob_inline(url, "health").exit_code == 0
    finally:
        assert svc.stop() == 0


SPLIT_SERVICES = [
    ["qgjob_scheduler"],
    ["qgjob_worker", "--target", "emulator"],
]


@pytest.mark.parametrize("service", SPLIT_SERVICES, ids=lambda s: s[0])
def test_split_services_refuse_memory_and_keep_retrying_their_redis(
    service: list[str], out_dir: Path
) -> None:
    """Only ``qgjob up`` falls back: a service on its own would split the brain on an
    in-memory store, and a Redis that is down may come back."""
    argv = [sys.executable, "-m", *service]
    embedded = Service(f"{service[0]}-memory", argv, {"QGJOB_REDIS_URL": "memory://"}, out_dir)
    embedded.start()
    assert embedded.proc is not None
    wait_until(lambda: embedded.proc.poll() is not None, timeout=30, what="a refusal")
    assert embedded.proc.returncode == 2
    assert "cannot share an in-memory store" in embedded.log_tail()

    dead = f"redis://127.0.0.1:{free_port()}/0"
    retrying = Service(f"{service[0]}-dead", argv, {"QGJOB_REDIS_URL": dead}, out_dir).start()
    try:
        wait_until(
            lambda: retrying.log_tail().count("store unavailable, retrying") >= 3,
            timeout=30,
            what="retries",
        )
        assert retrying.alive
        assert "in-memory" not in retrying.log_tail()
    finally:
        retrying.stop()
