"""``qgjob dlq``: jobs that ran out of attempts, and poison stream entries."""

from __future__ import annotations

from typing import Annotated

import typer

from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import say
from qgjob_cli.common import (
    ApiUrl,
    JsonOut,
    OrgId,
    client,
    client_for,
    job_line,
    org_of,
    print_json,
    settings,
)
from qgjob_cli.output import ago, short, table
from qgjob_schemas import DeadLetter

dlq_app = QgjobTyper(
    help="Dead letters: list them, requeue a job with a fresh attempt budget.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@dlq_app.command("list")
def list_dead_letters(
    org_id: OrgId = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 50,
    before: Annotated[
        str | None,
        typer.Option("--before", metavar="ENTRY_ID", help="Older than this entry (paging)."),
    ] = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """List dead letters, newest first: job, reason, attempts, last error."""
    cfg = settings(api_url)
    params: dict[str, str | int] = {"limit": limit}
    org = org_of(org_id, cfg)
    if org:
        params["org_id"] = org
    if before:
        params["before"] = before
    with client_for(cfg) as api:
        data = api.json("GET", "/v1/dead-letters", params=params)
    if as_json:
        print_json(data)
        return
    letters = [DeadLetter.model_validate(d) for d in data]
    if not letters:
        say("no dead letters")
        return
    rows = [
        [
            d.job_id or f"entry {d.id}",
            d.reason,
            str(d.attempts),
            ago(d.at),
            short(d.last_error or "", 80),
        ]
        for d in letters
    ]
    typer.echo(table(["JOB", "REASON", "ATTEMPTS", "AGE", "LAST ERROR"], rows))
    if len(letters) == limit:
        say(f"more: qgjob dlq list --before {letters[-1].id}")


@dlq_app.command("requeue")
def requeue(
    job_id: Annotated[str, typer.Argument(metavar="JOB_ID", help="The dead job's id.")],
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Queue a dead job again with a fresh attempt budget."""
    with client(api_url) as api:
        job = api.json("POST", f"/v1/dead-letters/{job_id}/requeue")
    if as_json:
        print_json(job)
    else:
        typer.echo(job_line(job))
