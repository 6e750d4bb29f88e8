"""``qgjob admin``: operator commands, authenticated with the admin token."""

from __future__ import annotations

from typing import Annotated

import typer

from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import ApiClient
from qgjob_cli.common import ApiUrl, client_for, print_json, settings
from qgjob_cli.formats import Format, JsonOut, OutputOpt, chosen, print_data
from qgjob_cli.output import ago, table
from qgjob_schemas import TokenInfo

app = QgjobTyper(
    name="admin",
    help="Operator commands (QGJOB_ADMIN_TOKEN, else QGJOB_TOKEN).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
token_app = QgjobTyper(
    name="token", help="Org API tokens.", no_args_is_help=True, rich_markup_mode="markdown"
)
app.add_typer(token_app)


def _admin_client(api_url: str | None) -> ApiClient:
    cfg = settings(api_url)
    admin = cfg.admin_token.get_secret_value() if cfg.admin_token else cfg.token
    return client_for(cfg.model_copy(update={"token": admin}))


@token_app.command("create")
def create(
    org: Annotated[str, typer.Option("--org-id", "--org", help="Organisation the token acts for.")],
    name: Annotated[str, typer.Option(help="A label, e.g. the pipeline using it.")] = "",
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Create an org API token; prints the token (shown once) on stdout."""
    with _admin_client(api_url) as api:
        created = api.json("POST", "/v1/admin/tokens", json={"org_id": org, "name": name})
    if as_json:
        print_json(created)
        return
    typer.echo(f"created token {created['id']} for org {created['org_id']}", err=True)
    typer.echo(created["token"])


@token_app.command("list")
def list_tokens(
    org: Annotated[
        str | None, typer.Option("--org-id", "--org", help="Only this org's tokens.")
    ] = None,
    api_url: ApiUrl = None,
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """List org API tokens: ids, orgs, names (never the tokens themselves)."""
    fmt = chosen(output, as_json)
    with _admin_client(api_url) as api:
        data = api.json("GET", "/v1/admin/tokens", params={"org_id": org} if org else {})
    if fmt is not Format.TABLE:
        print_data(data, fmt)
        return
    tokens = [TokenInfo.model_validate(t) for t in data]
    rows = [[t.id, t.org_id, t.name, ago(t.created_at)] for t in tokens]
    typer.echo(table(["ID", "ORG", "NAME", "CREATED"], rows) if rows else "no tokens")


@token_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID", help="The token's id.")],
    api_url: ApiUrl = None,
) -> None:
    """Revoke an org API token: it stops working at once."""
    with _admin_client(api_url) as api:
        api.request("DELETE", f"/v1/admin/tokens/{token_id}")
    typer.echo(f"revoked {token_id}")
