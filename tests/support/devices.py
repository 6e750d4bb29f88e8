"""Test helpers for the real drivers: a fake adb on PATH, builds, and a test repository
whose "test command" is a small Python script."""

from __future__ import annotations

import io
import json
import os
import shlex
import stat
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import fake_adb

SERIAL = "emulator-5554"
PACKAGE = "com.acme.shop"


def make_build(
    path: Path, *, version: str = "1.0.0", package: str = PACKAGE, signer: str = "debug"
) -> Path:
    """A zip that the fake adb installs like an APK."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        manifest = {"package": package, "versionName": version, "signer": signer}
        zf.writestr(fake_adb.MANIFEST, json.dumps(manifest))
        zf.writestr("classes.dex", os.urandom(2048))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


@dataclass
class FakeAdb:
    """The fake adb's folder: its state and the calls it recorded."""

    dir: Path
    bin_dir: Path

    @classmethod
    def install(cls, root: Path, serial: str = SERIAL) -> FakeAdb:
        state_dir, bin_dir = root / "adb-state", root / "bin"
        state_dir.mkdir(parents=True)
        bin_dir.mkdir(parents=True)
        shim = bin_dir / "adb"
        shim.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" "{Path(fake_adb.__file__).resolve()}" "$@"\n'
        )
        shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
        fake = cls(state_dir, bin_dir)
        fake_adb.save(state_dir, {"serial": serial, "state": "device", "packages": {}})
        (state_dir / "calls.jsonl").touch()
        return fake

    @property
    def env(self) -> dict[str, str]:
        return {
            "FAKE_ADB_DIR": str(self.dir),
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def state(self) -> dict[str, Any]:
        return fake_adb.load(self.dir)

    def update(self, **changes: Any) -> None:
        fake_adb.save(self.dir, {**self.state(), **changes})

    def calls(self) -> list[list[str]]:
        text = (self.dir / "calls.jsonl").read_text()
        return [json.loads(line) for line in text.splitlines() if line]

    def installs(self) -> list[list[str]]:
        return [c for c in self.calls() if len(c) > 2 and c[2] == "install"]


TEST_SCRIPT = r'''
"""A stand-in test runner: its behaviour follows the test path."""
import json, os, pathlib, signal, subprocess, sys, time

path = sys.argv[1]
out = pathlib.Path(os.environ["QGJOB_OUTPUT_DIR"])
print(f"running {path} on {os.environ.get('ANDROID_SERIAL', '-')}", flush=True)
print("argv=" + json.dumps(sys.argv[1:]), flush=True)
if "hang" in path:
    if "trap" in path:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(f"pids {os.getpid()} {child.pid}", flush=True)
    time.sleep(600)
if "flood" in path:
    line = ("x" * 1023 + "\n").encode()
    for _ in range(20 * 1024):
        sys.stdout.buffer.write(line)
    sys.stdout.flush()
    sys.exit(0)
if "session" in path:
    url = os.environ.get("BROWSERSTACK_APP_URL", "")
    log = pathlib.Path(os.environ["SESSION_LOG"])
    deleted = pathlib.Path(os.environ["DELETED_APPS"])
    if url in deleted.read_text().split():
        print("[BROWSERSTACK_APP_DELETED] the app was deleted", flush=True)
        sys.exit(1)
    with log.open("a") as fh:
        fh.write(f"start {time.time()} {url}\n")
    time.sleep(0.3)
    with log.open("a") as fh:
        fh.write(f"end {time.time()} {url}\n")
    sys.exit(0)
state_dir = pathlib.Path(os.environ.get("FAKE_ADB_DIR", "."))
if "unplug" in path and not (state_dir / "unplugged-once").exists():
    (state_dir / "unplugged-once").touch()
    state = json.loads((state_dir / "state.json").read_text())
    state["state"] = "offline"
    (state_dir / "state.tmp").write_text(json.dumps(state))
    (state_dir / "state.tmp").replace(state_dir / "state.json")
    print("lost the device", flush=True)
    sys.exit(1)
failed = "fail" in path
(out / "junit.xml").write_text(
    '<testsuites><testsuite name="s">'
    '<testcase name="a"/><testcase name="b"/>'
    + ('<testcase name="c"><failure message="boom"/></testcase>' if failed else "")
    + '<testcase name="d"><skipped/></testcase>'
    "</testsuite></testsuites>"
)
(out / "screenshot.png").write_bytes(b"\x89PNG fake")
print("1 failed" if failed else "ok", flush=True)
sys.exit(1 if failed else 0)
'''


def make_test_repo(root: Path) -> Path:
    """A folder standing in for a team's test repository, with ``run_test.py``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "run_test.py").write_text(TEST_SCRIPT)
    return root


def runner_command(repo: Path) -> str:
    """A ``QGJOB_TEST_COMMAND`` running the stand-in test runner."""
    script = shlex.quote(str(repo / "run_test.py"))
    return f"{shlex.quote(sys.executable)} {script} {{test_path}}"


def group_alive(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    alive = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat_file.parent.name))
    return alive
