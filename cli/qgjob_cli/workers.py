"""``qgjob workers``: the worker registry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.common import ApiUrl, client
from qgjob_cli.formats import Format, JsonOut, OutputOpt, chosen, print_data
from qgjob_cli.output import table, terminal_width

TARGETS = ("emulator", "device", "browserstack")
STATES = ("idle", "busy", "draining", "unhealthy", "lost")
REASON = "  ↳ "
"""Starts the line under an unhealthy worker's row that says why (the registry's detail)."""


def _ago(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "never"
    seconds = (now - datetime.fromisoformat(stamp)).total_seconds()
    return f"{max(0.0, seconds):.0f}s ago"


HEADERS = ["WORKER", "TARGET", "STATE", "GROUP", "CAPACITY", "VERSIONS", "HEARTBEAT"]


def worker_row(w: dict[str, Any], now: datetime) -> list[str]:
    """One row of the table: id, target, state, groups, capacity, versions, heartbeat."""
    return [
        w["id"],
        w["target"],
        w["state"],
        ",".join(w.get("group_ids") or []) or "-",
        str(w["capacity"]),
        ",".join(w.get("installed_versions") or []) or "-",
        _ago(w.get("last_heartbeat"), now),
    ]


def workers(
    target: Annotated[
        str | None, typer.Option(help="Only this target: emulator, device or browserstack.")
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(help="Only this state: idle, busy, draining, unhealthy or lost."),
    ] = None,
    api_url: ApiUrl = None,
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """List workers: state, current group, installed app versions, heartbeat, capacity; under
    an unhealthy worker, why its device is not ready."""
    if target is not None and target not in TARGETS:
        raise CliError(f"--target must be one of {', '.join(TARGETS)}", exit_codes.BAD_ARGUMENTS)
    if state is not None and state not in STATES:
        raise CliError(f"--state must be one of {', '.join(STATES)}", exit_codes.BAD_ARGUMENTS)
    fmt = chosen(output, as_json)
    params = {k: v for k, v in {"target": target, "state": state}.items() if v}
    with client(api_url) as api:
        listed = api.json("GET", "/v1/workers", params=params)
    if fmt is not Format.TABLE:
        print_data(listed, fmt)
        return
    if not listed:
        typer.echo("no workers")
        return
    now = datetime.now(UTC)
    rows = [worker_row(w, now) for w in listed]
    width = terminal_width()
    lines = table(HEADERS, rows, width=width, drop=("CAPACITY", "GROUP"), squeeze="VERSIONS")
    typer.echo("\n".join(with_reasons(lines.split("\n"), listed, width)))


def with_reasons(lines: list[str], listed: list[dict[str, Any]], width: int | None) -> list[str]:
    """The table's lines (header first, then one per worker), each worker's reason for being
    unhealthy on a line of its own under its row, cut to the terminal's width."""
    out = lines[:1]
    for line, w in zip(lines[1:], listed, strict=True):
        out.append(line)
        detail = w.get("health_detail")
        if detail:
            reason = REASON + detail
            if width is not None and len(reason) > width:
                reason = reason[: max(len(REASON) + 1, width - 1)] + "…"
            out.append(reason)
    return out
