"""``qgjob workers``: the worker registry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.common import ApiUrl, JsonOut, client, print_json

TARGETS = ("emulator", "device", "browserstack")
STATES = ("idle", "busy", "draining", "lost")


def _ago(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "never"
    seconds = (now - datetime.fromisoformat(stamp)).total_seconds()
    return f"{max(0.0, seconds):.0f}s ago"


def worker_line(w: dict[str, Any], now: datetime) -> str:
    """``<id>  <target>  <state>  group <id>  capacity N  versions a,b  heartbeat Ns ago``."""
    group = ",".join(w.get("group_ids") or []) or "-"
    versions = ",".join(w.get("installed_versions") or []) or "-"
    return (
        f"{w['id']}  {w['target']}  {w['state']}  group {group}  capacity {w['capacity']}  "
        f"versions {versions}  heartbeat {_ago(w.get('last_heartbeat'), now)}"
    )


def workers(
    target: Annotated[
        str | None, typer.Option(help="Only this target: emulator, device or browserstack.")
    ] = None,
    state: Annotated[
        str | None, typer.Option(help="Only this state: idle, busy, draining or lost.")
    ] = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """List workers: state, current group, installed app versions, heartbeat, capacity."""
    if target is not None and target not in TARGETS:
        raise CliError(f"--target must be one of {', '.join(TARGETS)}", exit_codes.BAD_ARGUMENTS)
    if state is not None and state not in STATES:
        raise CliError(f"--state must be one of {', '.join(STATES)}", exit_codes.BAD_ARGUMENTS)
    params = {k: v for k, v in {"target": target, "state": state}.items() if v}
    listed = client(api_url).json("GET", "/v1/workers", params=params)
    if as_json:
        print_json(listed)
        return
    if not listed:
        typer.echo("no workers")
    now = datetime.now(UTC)
    for w in listed:
        typer.echo(worker_line(w, now))
