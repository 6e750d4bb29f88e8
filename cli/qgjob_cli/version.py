"""``qgjob version``: this client's version beside the server's."""

from __future__ import annotations

from importlib.metadata import version

import typer

from qgjob_cli.client import CliError
from qgjob_cli.common import ApiUrl, client_for, settings
from qgjob_cli.formats import Format, JsonOut, OutputOpt, chosen, print_data


def show_version(
    api_url: ApiUrl = None, output: OutputOpt = None, as_json: JsonOut = False
) -> None:
    """Show this qgjob's version and the server's (the server unreachable: said, exit 15)."""
    fmt = chosen(output, as_json)
    cfg = settings(api_url)
    client = version("qgjob")
    server: str | None = None
    problem: CliError | None = None
    try:
        with client_for(cfg) as api:
            health = api.json("GET", "/healthz")
        server = str(health.get("version") or "unknown (older than the version field)")
    except CliError as exc:
        problem = exc
    if fmt is not Format.TABLE:
        print_data({"client": client, "server": server, "api_url": cfg.api_url}, fmt)
    else:
        typer.echo(f"client  {client}")
        typer.echo(f"server  {server or '-'}  ({cfg.api_url})")
    if problem is not None:
        raise problem
