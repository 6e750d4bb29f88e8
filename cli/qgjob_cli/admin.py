"""``qgjob admin``: operator commands, authenticated with the admin token."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import ApiClient
from qgjob_cli.settings import CliSettings

app = QgjobTyper(name="admin", help="Operator commands (QGJOB_ADMIN_TOKEN).", no_args_is_help=True)
token_app = QgjobTyper(name="token", help="Org API tokens.", no_args_is_help=True)
app.add_typer(token_app)

ApiUrl = Annotated[str | None, typer.Option("--api-url", help="qgjob API URL [env: QGJOB_API_URL]")]


def _admin_client(api_url: str | None) -> ApiClient:
    settings = CliSettings()
    admin = settings.admin_token.get_secret_value() if settings.admin_token else settings.token
    return ApiClient(api_url or settings.api_url, token=admin, ca_bundle=settings.ca_bundle)


@token_app.command("create")
def create(
    org: Annotated[str, typer.Option("--org", help="Organisation the token acts for.")],
    name: Annotated[str, typer.Option(help="A label, e.g. the pipeline using it.")] = "",
    api_url: ApiUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON.")] = False,
) -> None:
    """Create an org API token; prints the token (shown once) on stdout."""
    created = _admin_client(api_url).json(
        "POST", "/v1/admin/tokens", json={"org_id": org, "name": name}
    )
    if as_json:
        typer.echo(json.dumps(created, indent=2))
        return
    typer.echo(f"created token {created['id']} for org {created['org_id']}", err=True)
    typer.echo(created["token"])


@token_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id.")],
    api_url: ApiUrl = None,
) -> None:
    """Revoke an org API token: it stops working at once."""
    _admin_client(api_url).request("DELETE", f"/v1/admin/tokens/{token_id}")
    typer.echo(f"revoked {token_id}")
