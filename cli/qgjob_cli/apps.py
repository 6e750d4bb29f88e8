"""``qgjob app upload``: register the build of an app version by uploading its file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import typer

from qgjob_cli import exit_codes
from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import ApiClient, CliError
from qgjob_cli.settings import CliSettings

app = QgjobTyper(name="app", help="App builds: register the build of an app version.")
BUILD_SUFFIXES = (".apk", ".aab", ".ipa")


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
    org_id: Annotated[str, typer.Option("--org-id", help="Organisation that owns the build.")],
    package: Annotated[
        str | None, typer.Option("--package", help="Android package name, e.g. com.acme.app.")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option("--api-url", help="qgjob API URL [env: QGJOB_API_URL]")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON.")] = False,
) -> None:
    """Upload a build; jobs of this app version install it. Prints its sha256."""
    if not file.is_file():
        raise CliError(f"{file}: no such file", exit_codes.BAD_ARGUMENTS)
    if not file.name.lower().endswith(BUILD_SUFFIXES):
        raise CliError(f"{file}: not an .apk, .aab or .ipa file", exit_codes.BAD_ARGUMENTS)
    settings = CliSettings()
    client = ApiClient(api_url or settings.api_url, token=settings.token, timeout=600.0)
    form = {"org_id": org_id, "sha256": _sha256(file)}
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
        typer.echo(json.dumps(build, indent=2))
    else:
        typer.echo(f"{build['app_version_id']}  {build['sha256']}  {build['filename']}")
