"""Options and helpers every command shares."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from qgjob_cli.client import ApiClient
from qgjob_cli.settings import CliSettings

ApiUrl = Annotated[
    str | None,
    typer.Option(
        "--api-url", help="qgjob API URL [env: QGJOB_API_URL; default http://127.0.0.1:8080]"
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print the API's JSON unchanged.")]


def client(api_url: str | None) -> ApiClient:
    settings = CliSettings()
    return ApiClient(
        api_url or settings.api_url, token=settings.token, ca_bundle=settings.ca_bundle
    )


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2))


def job_line(job: dict[str, Any]) -> str:
    """``<id>  <status> (<why>)`` for a job as the API returns it."""
    result = job.get("result") or {}
    why = result.get("message") or ""
    if job.get("error") and job["status"] in ("error", "dead"):
        why = job["error"]
    if job.get("cancel_requested") and job["status"] == "running":
        why = "cancel requested"
    return f"{job['id']}  {job['status']}" + (f" ({why})" if why else "")
