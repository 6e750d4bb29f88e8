"""Debian's real adb under the adb driver: no device attached, then one that appears.

The adb server daemon runs on a port of the test's own (``ANDROID_ADB_SERVER_PORT``), is
started once by the fixture and killed by it. The device that appears is the fake device
end of the adb protocol (``tests/support/adbd.py``) that the real adb connects to over TCP:
no Android device or emulator can run here."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.adbd import FakeAdbd
from tests.support.devices import make_test_repo, runner_command
from tests.support.platform import Platform
from tests.support.processes import pid_alive
from tests.support.redis_server import free_port
from tests.support.terminal import run_on_terminal
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class AdbServer:
    port: int
    pid: int

    @property
    def env(self) -> dict[str, str]:
        return {"ANDROID_ADB_SERVER_PORT": str(self.port)}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["adb", *args], env={**os.environ, **self.env}, capture_output=True, text=True,
            timeout=30, check=False,
        )  # fmt: skip


def server_pids(port: int) -> list[int]:
    """adb server daemons listening on ``port`` (``adb -L tcp:PORT fork-server server``)."""
    needle = f"tcp:{port}".encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"fork-server" in argv and needle in argv and pid_alive(int(cmdline.parent.name)):
            found.append(int(cmdline.parent.name))
    return found


@pytest.fixture
def adb_server() -> Iterator[AdbServer]:
    if shutil.which("adb") is None:
        pytest.skip("adb is not installed (make ensure-adb installs Debian's)")
    port = free_port()
    started = subprocess.run(
        ["adb", "start-server"], env={**os.environ, "ANDROID_ADB_SERVER_PORT": str(port)},
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    pids = wait_until(lambda: server_pids(port), timeout=10, what="the adb server daemon")
    assert len(pids) == 1, pids
    server = AdbServer(port, pids[0])
    try:
        yield server
    finally:
        server.run("kill-server")
        wait_until(lambda: not pid_alive(server.pid), timeout=10, what="adb server gone")
    assert server_pids(port) == []


@pytest.fixture
def device() -> Iterator[FakeAdbd]:
    d = FakeAdbd(lambda command: b"1\n" if command == "getprop sys.boot_completed" else b"")
    try:
        yield d
    finally:
        d.close()


def test_no_device_then_one_that_appears(
    platform: Platform, out_dir: Path, adb_server: AdbServer, device: FakeAdbd
) -> None:
    root = out_dir.absolute()
    repo = make_test_repo(root / "repo")
    platform.start_api()
    platform.start_scheduler()
    worker = platform.start_worker(
        "device",
        env={
            **adb_server.env,
            "QGJOB_DRIVER": "adb",
            "QGJOB_ADB_SERIAL": device.serial,
            "QGJOB_TEST_COMMAND": runner_command(repo),
            "QGJOB_TEST_WORKDIR": str(repo),
            "QGJOB_HEALTH_INTERVAL_S": "0.2",
        },
    )
    platform.wait_for_workers(["device-1"])

    def state() -> str | None:
        return platform.redis.hget(platform.keys.worker("device-1"), "state")  # type: ignore[return-value]

    def logged(text: str) -> bool:
        return text in worker.log_path.read_text(errors="replace")

    not_found = f"error: device '{device.serial}' not found"

    with platform.client(timeout=10) as client:
        wait_until(lambda: state() == "unhealthy", timeout=30, what="the worker unhealthy")
        # adb's own words, in the worker's log and in the registry the operator reads
        wait_until(lambda: logged(not_found), timeout=10, what="adb's output in the worker's log")

        def listed() -> dict[str, Any]:
            (w,) = client.get("/v1/workers", params={"target": "device"}).json()
            return w  # type: ignore[no-any-return]

        def with_reason() -> dict[str, Any] | None:
            w = listed()
            return w if w["health_detail"] else None

        shown = wait_until(with_reason, timeout=10, what="the reason shown by the API")
        assert shown["state"] == "unhealthy"
        assert not_found in shown["health_detail"], shown
        screen = run_on_terminal(
            ["workers"],
            {"QGJOB_API_URL": platform.api_url, "QGJOB_TOKEN": platform.env["QGJOB_ADMIN_TOKEN"]},
            columns=80,
        )
        assert screen.exit_code == 0, screen.text
        row = next(i for i, line in enumerate(screen.lines) if line.startswith("device-1 "))
        assert "unhealthy" in screen.lines[row].split()
        under = screen.lines[row + 1]  # the reason, on the line under the row, cut to fit
        assert under.startswith("  ↳ device ") and len(under) <= 80, screen.text
        assert f"  ↳ {shown['health_detail']}".startswith(under.removesuffix("…")), under
        body = {"org_id": "acme", "app_version_id": "v1", "test_path": "tests/a.spec.js",
                "target": "device"}  # fmt: skip
        job_id = client.post("/v1/jobs", json=body).json()["id"]
        wait_until(
            lambda: client.get(f"/v1/jobs/{job_id}").json()["status"] == "scheduled",
            timeout=30,
            what="the job planned for the worker",
        )
        checks = worker.log_path.read_text().count("not found")
        # the device's absence is logged once per change, health is checked every 0.2 s
        assert checks == 1
        assert state() == "unhealthy"
        assert client.get(f"/v1/jobs/{job_id}").json()["attempts"] == 0  # no work taken
        assert client.post(f"/v1/jobs/{job_id}/cancel").status_code == 200

        connected = adb_server.run("connect", device.serial)
        assert f"connected to {device.serial}" in connected.stdout, connected
        wait_until(lambda: state() == "idle", timeout=30, what="the worker ready again")
        assert listed()["health_detail"] is None  # the reason goes with the unhealthy state
        assert "shell:getprop sys.boot_completed" in device.commands
        assert logged("device ready again")
    codes = platform.stop_all()
    assert all(code == 0 for code in codes.values()), codes
    # the worker's adb calls used the fixture's server: still the one daemon it started
    assert server_pids(adb_server.port) == [adb_server.pid]
