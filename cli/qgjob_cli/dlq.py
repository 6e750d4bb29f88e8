"""``qgjob dlq``: jobs that ran out of attempts, and poison stream entries."""

from __future__ import annotations

from typing import Annotated

import typer

from qgjob_cli.app import QgjobTyper
from qgjob_cli.common import ApiUrl, JsonOut, client, job_line, print_json

dlq_app = QgjobTyper(help="Dead letters: list them, requeue a job with a fresh attempt budget.")


@dlq_app.command("list")
def list_dead_letters(
    org_id: Annotated[str | None, typer.Option("--org-id", help="Only this org's.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 50,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """List dead letters, newest first."""
    params: dict[str, str | int] = {"limit": limit}
    if org_id:
        params["org_id"] = org_id
    letters = client(api_url).json("GET", "/v1/dead-letters", params=params)
    if as_json:
        print_json(letters)
        return
    if not letters:
        typer.echo("no dead letters")
    for d in letters:
        what = d.get("job_id") or f"stream entry {d['id']}"
        error = f": {d['last_error']}" if d.get("last_error") else ""
        typer.echo(f"{what}  {d['reason']}  attempts {d['attempts']}{error}")


@dlq_app.command("requeue")
def requeue(
    job_id: Annotated[str, typer.Argument(help="The dead job's id.")],
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Queue a dead job again with a fresh attempt budget."""
    job = client(api_url).json("POST", f"/v1/dead-letters/{job_id}/requeue")
    if as_json:
        print_json(job)
    else:
        typer.echo(job_line(job))
