"""``qgjob config show``: the settings in force and where each comes from; tokens masked."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from qgjob_cli.app import QgjobTyper
from qgjob_cli.common import ApiUrl
from qgjob_cli.formats import Format, OutputOpt, chosen, print_data
from qgjob_cli.output import table
from qgjob_cli.settings import CliSettings, config_path, load_settings, mask, read_config_file

app = QgjobTyper(
    name="config",
    help="The CLI's settings: flags, then QGJOB_* variables, then the config file.",
    no_args_is_help=True,
)
SECRETS = {"token", "admin_token"}
AsJson = Annotated[bool, typer.Option("--json", help="Short for --output json.")]


def _env(name: str) -> str | None:
    wanted = f"QGJOB_{name}".upper()
    return next((v for k, v in os.environ.items() if k.upper() == wanted), None)


def sources(flags: dict[str, Any]) -> dict[str, str]:
    """Where each setting's value comes from."""
    in_file = read_config_file()
    out = {}
    for name in CliSettings.model_fields:
        if flags.get(name) is not None:
            out[name] = "flag"
        elif _env(name) is not None:
            out[name] = f"env QGJOB_{name.upper()}"
        elif name in in_file:
            out[name] = "config file"
        else:
            out[name] = "default"
    return out


def shown(cfg: CliSettings, name: str) -> str:
    value = getattr(cfg, name)
    if name in SECRETS:
        secret = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        return mask(secret)
    return "(not set)" if value is None else str(value)


@app.command("show")
def show(api_url: ApiUrl = None, output: OutputOpt = None, as_json: AsJson = False) -> None:
    """Show each setting, its value (tokens masked) and where it comes from."""
    fmt = chosen(output, as_json)
    flags = {"api_url": api_url}
    cfg = load_settings(**flags)
    where = sources(flags)
    path = config_path()
    if fmt is not Format.TABLE:
        values = {n: {"value": shown(cfg, n), "source": where[n]} for n in CliSettings.model_fields}
        data = {"config_file": str(path), "exists": path.exists(), "settings": values}
        print_data(data, fmt)
        return
    rows = [[n, shown(cfg, n), where[n]] for n in CliSettings.model_fields]
    typer.echo(table(["SETTING", "VALUE", "FROM"], rows))
    typer.echo(f"\nconfig file: {path}" + ("" if path.exists() else " (none)"))
