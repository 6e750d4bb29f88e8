"""The real AppWright project in ``examples/appwright`` (installed by ``make ensure-appwright``)
and what a worker needs to run it with the real runner."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.support.processes import pid_alive

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "examples" / "appwright"
LOCK_MARK = PROJECT / "node_modules" / ".lockfile.sha256"


def installed_reason() -> str | None:
    """Why the project cannot run here, or ``None`` when it can."""
    if shutil.which("npx") is None:
        return "npx is not installed (make ensure-appwright installs nodejs and npm)"
    lock = hashlib.sha256((PROJECT / "package-lock.json").read_bytes()).hexdigest()
    try:
        mark = LOCK_MARK.read_text().strip()
    except FileNotFoundError:
        mark = ""
    if mark != lock:
        return (
            "examples/appwright is not installed for its lockfile: `make ensure-appwright` "
            "runs npm ci (it failed, or the npm registry was not reachable)"
        )
    return None


def require_project() -> Path:
    """The project folder; skips the test, saying why, when it is not installed."""
    reason = installed_reason()
    if reason:
        pytest.skip(reason)
    return PROJECT


def runner_env(root: Path) -> dict[str, str]:
    """What the worker's environment gives the real runner on a machine with no Android SDK:

    * ``ANDROID_HOME`` an empty folder: AppWright's ``local-device`` global set-up only checks
      that it is set; its ``device`` fixture then fails for want of the SDK's build tools,
      which is the missing device;
    * ``APPIUM_HOME`` a folder of the test's own: the ``device`` fixture runs
      ``appium driver install`` there instead of in the home folder;
    * ``SHOP_E2E_STATE_DIR``: where the flaky spec keeps its marker and the hanging one its pids.
    """
    env = {}
    folders = {"ANDROID_HOME": "sdk", "APPIUM_HOME": "appium", "SHOP_E2E_STATE_DIR": "state"}
    for name, sub in folders.items():
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / sub)
    env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    return env


def appium_servers() -> list[int]:
    """Live Appium servers started from the project (AppWright's ``device`` fixture starts
    one per run and, when the run ends, kills only the ``npx`` in front of it)."""
    needle = str(PROJECT / "node_modules" / ".bin" / "appium").encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if needle in cmdline.read_bytes() and pid_alive(int(cmdline.parent.name)):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found
