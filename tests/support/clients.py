"""The generated clients under ``clients/`` and the tools that make them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CLIENTS = ROOT / "clients"
PY_CLIENT = CLIENTS / "python"
TS_CLIENT = CLIENTS / "typescript"
SPEC = ROOT / "openapi.json"
BIN = Path(sys.executable).parent


def run(*argv: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ts_tool(name: str) -> Path:
    """A tool from clients/typescript/node_modules (``make ts-tools`` installs them)."""
    path = TS_CLIENT / "node_modules" / ".bin" / name
    if not path.exists() or shutil.which("node") is None:
        pytest.fail(f"{name} is missing: `make ts-tools` runs npm ci in clients/typescript")
    return path


def tree(folder: Path, skip: tuple[str, ...] = (".ruff_cache",)) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (caches and ``skip`` left out)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part in skip for part in p.relative_to(folder).parts)
    }
