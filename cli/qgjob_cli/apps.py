"""``qgjob app upload``: register the build of an app version by uploading its file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from qgjob_cli import exit_codes
from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import CliError
from qgjob_cli.common import ApiUrl, OrgId, client_for, org_of, print_json, settings
from qgjob_cli.formats import JsonOut

app = QgjobTyper(
    name="app",
    help="App builds: register the build of an app version.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
BUILD_SUFFIXES = (".apk", ".aab", ".ipa")
UPLOAD_TIMEOUT_S = 600.0


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            sha.update(chunk)
    return sha.hexdigest()


@app.command()
def upload(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The .apk, .aab or .ipa.")],
    app_version_id: Annotated[str, typer.Option("--app-version-id", help="The app version.")],
    org_id: OrgId = None,
    package: Annotated[
        str | None, typer.Option("--package", help="Android package name, e.g. com.acme.app.")
    ] = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Upload a build; jobs of this app version install it. Prints its sha256."""
    if not file.is_file():
        raise CliError(f"{file}: no such file", exit_codes.BAD_ARGUMENTS)
    if not file.name.lower().endswith(BUILD_SUFFIXES):
        raise CliError(f"{file}: not an .apk, .aab or .ipa file", exit_codes.BAD_ARGUMENTS)
    cfg = settings(api_url)
    client = client_for(cfg.model_copy(update={"request_timeout_s": UPLOAD_TIMEOUT_S}))
    form = {"sha256": _sha256(file)}
    org = org_of(org_id, cfg)
    if org:
        form["org_id"] = org
    if package:
        form["package"] = package
    try:
        with file.open("rb") as fh:
            build = client.json(
                "POST",
                f"/v1/apps/{app_version_id}",
                data=form,
                files={"file": (file.name, fh, "application/octet-stream")},
            )
    finally:
        client.close()
    if as_json:
        print_json(build)
    else:
        typer.echo(f"{build['app_version_id']}  {build['sha256']}  {build['filename']}")
