"""How read commands print: a table for people, or the API's data as JSON or YAML.

``--output json|yaml|table`` on every read command; ``--json`` is short for ``--output json``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
import yaml

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    YAML = "yaml"


JsonOut = Annotated[bool, typer.Option("--json", help="Short for --output json.")]
OutputOpt = Annotated[
    Format | None,
    typer.Option(
        "--output",
        "-o",
        help="table (for people; the default), json or yaml (the API's data, unchanged).",
        show_default=False,
    ),
]


def chosen(output: Format | None, as_json: bool) -> Format:
    """The format asked for; ``--json`` with another ``--output`` is a contradiction."""
    if as_json and output not in (None, Format.JSON):
        raise CliError(
            f"--json is short for --output json: it cannot go with --output {output}",
            exit_codes.BAD_ARGUMENTS,
        )
    return Format.JSON if as_json else (output or Format.TABLE)


def print_data(data: Any, fmt: Format = Format.JSON) -> None:
    """``data`` as JSON (indented) or YAML (keys in the API's order)."""
    if fmt is Format.YAML:
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
    else:
        typer.echo(json.dumps(data, indent=2))
