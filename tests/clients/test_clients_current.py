"""clients/python and clients/typescript are what `make clients` makes from openapi.json:
the spec's digest matches at once (cheap), and generating again changes no file. (The
TypeScript client is type-checked strict with a program using it: test_typescript_client.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.clients import (
    BIN,
    CLIENTS,
    PY_CLIENT,
    SPEC,
    TS_CLIENT,
    run,
    tree,
    ts_tool,
)

STALE = "stale: run `make clients` and commit clients/"


def test_the_clients_were_made_from_this_openapi_json() -> None:
    import hashlib

    digest = hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert (CLIENTS / "openapi.sha256").read_text().strip() == digest, STALE


def test_both_packages_have_the_api_version() -> None:
    version = json.loads(SPEC.read_text())["info"]["version"]
    assert json.loads((TS_CLIENT / "package.json").read_text())["version"] == version
    assert f'version="{version}"' in (PY_CLIENT / "setup.py").read_text()


def test_generating_the_python_client_again_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "python"
    done = run(
        BIN / "openapi-python-client",
        "generate",
        "--path",
        SPEC,
        "--output-path",
        out,
        "--meta",
        "setup",
        "--config",
        CLIENTS / "python-config.yaml",
        "--fail-on-warning",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree(out) == tree(PY_CLIENT), STALE


def test_generating_the_typescript_client_again_changes_nothing(tmp_path: Path) -> None:
    work = tmp_path / "typescript"
    work.mkdir()
    for name in ("openapi-ts.config.mjs", "package.json"):
        shutil.copy(TS_CLIENT / name, work / name)
    (work / "node_modules").symlink_to(TS_CLIENT / "node_modules")
    config = (work / "openapi-ts.config.mjs").read_text()
    (work / "openapi-ts.config.mjs").write_text(config.replace("../../openapi.json", str(SPEC)))
    done = run(ts_tool("openapi-ts"), cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree(work / "src") == tree(TS_CLIENT / "src"), STALE
