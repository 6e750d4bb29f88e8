"""Running ``qgjob`` against a live platform: the API, a scheduler and simulated workers as
real processes on the real Redis, with an org API token; the CLI runs in this process
(``CliRunner``) or as its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner, Result

from qgjob_cli.main import app
from tests.support.platform import ADMIN_TOKEN, Platform

FAST = {
    "QGJOB_RETRY_BASE_S": "0.05",
    "QGJOB_RETRY_CAP_S": "0.2",
    "QGJOB_HEARTBEAT_INTERVAL_S": "0.2",
    "QGJOB_SSE_KEEPALIVE_S": "0.5",
}
CLI_VARIABLES = (
    "QGJOB_API_URL",
    "QGJOB_TOKEN",
    "QGJOB_ORG",
    "QGJOB_ADMIN_TOKEN",
    "QGJOB_CA_BUNDLE",
)


@dataclass
class Live:
    platform: Platform
    token: str
    """An API token of the org ``acme``."""
    config_home: Path
    """An empty ``XDG_CONFIG_HOME``: no config file of the machine leaks in."""

    @property
    def url(self) -> str:
        return self.platform.api_url

    def env(self, **extra: str | None) -> dict[str, str | None]:
        base: dict[str, str | None] = dict.fromkeys(CLI_VARIABLES)
        base |= {
            "QGJOB_API_URL": self.url,
            "QGJOB_TOKEN": self.token,
            "XDG_CONFIG_HOME": str(self.config_home),
        }
        return {**base, **extra}

    def cli(self, *args: str, **env: str | None) -> Result:
        """``qgjob ARGS`` in this process, as the org's token unless ``env`` says otherwise."""
        return CliRunner().invoke(app, list(args), env=self.env(**env))

    def process(self, *args: str, **env: str | None) -> subprocess.Popen[str]:
        """``qgjob ARGS`` as a process of its own."""
        merged = {**os.environ, **self.env(**env)}
        clean = {k: v for k, v in merged.items() if v is not None}
        return subprocess.Popen(
            [sys.executable, "-m", "qgjob_cli", *args],
            env=clean,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """The API itself, as the org's token (what the CLI's output is checked against)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        response = httpx.request(method, self.url + path, headers=headers, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()


def org_token(platform: Platform, org: str = "acme") -> str:
    with platform.client() as client:
        created = client.post("/v1/admin/tokens", json={"org_id": org, "name": "cli-tests"})
        created.raise_for_status()
        return str(created.json()["token"])


def start_platform(
    redis_url: str, log_dir: Path, env: Mapping[str, str] | None = None, *, workers: bool = True
) -> Platform:
    platform = Platform(redis_url, f"t{uuid.uuid4().hex[:12]}", log_dir, {**FAST, **(env or {})})
    platform.start_api()
    if workers:
        platform.start_scheduler()
        platform.start_worker("emulator")
        platform.start_worker("device")
        platform.wait_for_workers(["emulator-1", "device-1"])
    return platform


def one_line(result: Result) -> str:
    """The error line of a failed command: exactly one line, never a traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


__all__ = ["ADMIN_TOKEN", "Live", "one_line", "org_token", "start_platform"]
