"""Shell completion as a user installs it: ``qgjob --install-completion bash``, then a real
bash that sources what it wrote and completes command names and options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def complete(home: Path, words: str) -> list[str]:
    """What bash offers for ``words`` (the last one being typed), via qgjob's completion."""
    script = (
        "source ~/.bashrc\n"
        f"COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
        "_qgjob_completion qgjob  # bash passes the command being completed\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_install_completion_then_bash_completes_commands_and_options(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    installed = subprocess.run(
        [sys.executable, "-m", "qgjob_cli", "--install-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    assert "bash completion installed" in installed.stdout
    assert ".bash_completions/qgjob.sh" in (tmp_path / ".bashrc").read_text()
    assert complete(tmp_path, "qgjob sta") == ["status", "stats"]
    assert "--output" in complete(tmp_path, "qgjob list --ou")
    assert complete(tmp_path, "qgjob list --output y") == ["yaml"]
