"""Drivers are found by name through the ``qgjob.drivers`` entry points; a worker with an
unknown or unusable driver refuses to start with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qgjob_cli.main import app
from qgjob_worker.drivers import UnknownDriverError, available, find_factory
from qgjob_worker.drivers.simulated import create


def test_the_shipped_drivers_are_entry_points() -> None:
    assert {"simulated", "adb", "browserstack"} <= set(available())
    assert find_factory("simulated") is create


def test_an_unknown_driver_names_the_known_ones() -> None:
    with pytest.raises(
        UnknownDriverError,
        match=r"QGJOB_DRIVER='sauce': unknown driver \(known: adb, browserstack, simulated",
    ):
        find_factory("sauce")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QGJOB_DRIVER": "sauce"}, "unknown driver"),
        ({"QGJOB_DRIVER": "adb"}, "QGJOB_ADB_SERIAL is not set"),
        ({"QGJOB_DRIVER": "browserstack"}, "needs BROWSERSTACK_USERNAME"),
    ],
)
def test_the_worker_refuses_to_start(env: dict[str, str], message: str, redis_url: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QGJOB_", "BROWSERSTACK_"))}
    full = {**clean, "QGJOB_REDIS_URL": redis_url, "QGJOB_LOG_FORMAT": "json", **env}
    done = subprocess.run(
        [sys.executable, "-m", "qgjob_worker"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr


def test_app_upload_of_a_missing_or_wrong_file_is_one_line(tmp_path: Path) -> None:
    args = ["app", "upload", "--org-id", "acme", "--app-version-id", "v1"]
    missing = CliRunner().invoke(app, [*args, str(tmp_path / "nope.apk")])
    assert missing.exit_code == 2
    assert missing.output.strip() == f"qgjob: {tmp_path / 'nope.apk'}: no such file"
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    wrong = CliRunner().invoke(app, [*args, str(notes)])
    assert wrong.exit_code == 2 and "not an .apk, .aab or .ipa file" in wrong.output


def test_app_upload_without_a_server_is_one_line(tmp_path: Path) -> None:
    apk = tmp_path / "app.apk"
    apk.write_bytes(b"PK\x03\x04x")
    result = CliRunner().invoke(
        app,
        ["app", "upload", "--org-id", "acme", "--app-version-id", "v1", str(apk)],
        env={"QGJOB_API_URL": "http://127.0.0.1:9"},
    )
    assert result.exit_code == 15
    assert result.output.startswith("qgjob: cannot connect to the qgjob API")
