"""A stand-in for ``adb`` that tests put on ``PATH``: it records its argv, answers like adb
for one device, and can be told to fail installs or go offline.

State lives in a folder (``FAKE_ADB_DIR``): ``state.json`` (the device) and ``calls.jsonl``
(one argv per line). Builds are zip files with a ``fake-manifest.json`` naming the package,
version and signer.
"""

from __future__ import annotations

import json
import os
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

MANIFEST = "fake-manifest.json"


def load(folder: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((folder / "state.json").read_text())
    return state


def save(folder: Path, state: dict[str, Any]) -> None:
    tmp = folder / f"state.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state))
    tmp.replace(folder / "state.json")


def _out(text: str, code: int = 0) -> int:
    sys.stdout.write(text)
    return code


def _dumpsys(state: dict[str, Any], package: str) -> int:
    pkg = state["packages"].get(package)
    if pkg is None:
        return _out("Dexopt state:\n  Unable to find package: " + package + "\n")
    return _out(
        "Packages:\n"
        f"  Package [{package}] (1a2b3c):\n"
        "    userId=10123\n"
        f"    versionCode={pkg['versionCode']} minSdk=24 targetSdk=34\n"
        f"    versionName={pkg['versionName']}\n"
        f"    lastUpdateTime={pkg['lastUpdateTime']}\n"
        "    signatures=PackageSignatures{7f4b2 version:2}\n"
    )


def _install(folder: Path, state: dict[str, Any], path: str) -> int:
    fail = state.get("fail_install")
    if fail:
        msg = f"adb: failed to install {path}: Failure [{fail}: injected by the test]\n"
        return _out("Performing Streamed Install\n" + msg, 1)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    package = manifest["package"]
    have = state["packages"].get(package)
    if have and have.get("signer") != manifest.get("signer"):
        return _out(
            "Performing Streamed Install\n"
            f"adb: failed to install {path}: Failure [INSTALL_FAILED_UPDATE_INCOMPATIBLE: "
            f"Package {package} signatures do not match previously installed version]\n",
            1,
        )
    state["installs"] = state.get("installs", 0) + 1
    state["packages"][package] = {
        "versionName": manifest["versionName"],
        "versionCode": manifest.get("versionCode", 1),
        "signer": manifest.get("signer", "debug"),
        "lastUpdateTime": time.strftime("%Y-%m-%d %H:%M:%S") + f".{state['installs']}",
    }
    save(folder, state)
    return _out("Performing Streamed Install\nSuccess\n")


def _uninstall(folder: Path, state: dict[str, Any], package: str) -> int:
    if state["packages"].pop(package, None) is None:
        return _out("Failure [DELETE_FAILED_INTERNAL_ERROR]\n", 1)
    save(folder, state)
    return _out("Success\n")


def _shell(folder: Path, state: dict[str, Any], rest: list[str]) -> int:
    if rest[:2] == ["getprop", "sys.boot_completed"]:
        return _out(f"{state.get('boot_completed', '1')}\n")
    if rest[:2] == ["dumpsys", "package"]:
        return _dumpsys(state, rest[2])
    return _out(f"fake adb: unknown shell command {rest}\n", 1)


COMMANDS = {
    "get-state": lambda folder, state, rest: _out("device\n"),
    "shell": _shell,
    "install": lambda folder, state, rest: _install(folder, state, rest[-1]),
    "uninstall": lambda folder, state, rest: _uninstall(folder, state, rest[-1]),
}


def main(argv: list[str]) -> int:
    folder = Path(os.environ["FAKE_ADB_DIR"])
    with (folder / "calls.jsonl").open("a") as fh:
        fh.write(json.dumps(argv) + "\n")
    state = load(folder)
    if len(argv) < 3 or argv[0] != "-s":
        return _out("error: more than one device/emulator\n", 1)
    serial, cmd, rest = argv[1], argv[2], argv[3:]
    if serial != state["serial"] or state["state"] == "missing":
        return _out(f"error: device '{serial}' not found\n", 1)
    if state["state"] == "offline":
        return _out("error: device offline\n", 1)
    if cmd not in COMMANDS:
        return _out(f"fake adb: unknown command {argv}\n", 1)
    return int(COMMANDS[cmd](folder, state, rest))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
