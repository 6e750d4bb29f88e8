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
from qgjob_cli.exit_codes import BAD_ARGUMENTS
from qgjob_cli.formats import Format, OutputOpt, chosen, print_data
from qgjob_cli.output import ago, short, table, terminal_width
from qgjob_schemas import DeadLetter, DeadLetterBatch

dlq_app = QgjobTyper(
    help="Dead letters: list them, requeue jobs (fresh attempt budget), delete or purge entries.",
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
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """List dead letters, newest first: job, test, reason, attempts, last error (--output
    json|yaml: the API's list, unchanged)."""
    fmt = chosen(output, as_json)
    cfg = settings(api_url)
    params: dict[str, str | int] = {"limit": limit}
    org = org_of(org_id, cfg)
    if org:
        params["org_id"] = org
    if before:
        params["before"] = before
    with client_for(cfg) as api:
        data = api.json("GET", "/v1/dead-letters", params=params)
    if fmt is not Format.TABLE:
        print_data(data, fmt)
        return
    letters = [DeadLetter.model_validate(d) for d in data]
    if not letters:
        say("no dead letters")
        return
    rows = [
        [
            d.job_id or f"entry {d.id}",
            d.test_path or "-",
            d.reason,
            str(d.attempts),
            ago(d.at),
            short(d.last_error or "", 80),
        ]
        for d in letters
    ]
    headers = ["JOB", "TEST", "REASON", "ATTEMPTS", "AGE", "LAST ERROR"]
    # on a narrow terminal the age goes first, then the error is cut in the middle, then the
    # attempts and the error go (`qgjob status JOB` and --json have them): job, test, reason stay
    fitted = table(
        headers,
        rows,
        width=terminal_width(),
        drop=("AGE",),
        squeeze="LAST ERROR",
        drop_last=("ATTEMPTS", "LAST ERROR"),
    )
    typer.echo(fitted)
    if len(letters) == limit:
        say(f"more: qgjob dlq list --before {letters[-1].id}")


AllOpt = Annotated[bool, typer.Option("--all", help="Every dead letter in view (of the org).")]
Ids = Annotated[
    list[str] | None,
    typer.Argument(metavar="[ID]...", help="Job ids or entry ids (as `dlq list` shows them)."),
]


def _selection(ids: list[str] | None, every: bool) -> dict[str, object]:
    if bool(ids) == every:
        raise typer.BadParameter("name the dead letters, or pass --all (not both)")
    return {"all": True} if every else {"ids": ids}


def _batch(
    action: str, ids: list[str] | None, every: bool, org_id: str | None, api_url: str | None
) -> DeadLetterBatch:
    cfg = settings(api_url)
    org = org_of(org_id, cfg)
    params = {"org_id": org} if org else {}
    with client_for(cfg) as api:
        data = api.json(
            "POST", f"/v1/dead-letters/{action}", json=_selection(ids, every), params=params
        )
    return DeadLetterBatch.model_validate(data)


def _report(batch: DeadLetterBatch, as_json: bool, done: str) -> None:
    if as_json:
        print_json(batch.model_dump(mode="json"))
        return
    for skip in batch.skipped:
        say(f"skipped {skip.id}: {skip.reason}")
    typer.echo(done)
    if batch.skipped:
        raise typer.Exit(BAD_ARGUMENTS)


@dlq_app.command("requeue")
def requeue(
    ids: Ids = None,
    every: AllOpt = False,
    org_id: OrgId = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Queue dead jobs again with a fresh attempt budget: the ones named, or `--all`. Their
    entries leave the list; exit 2 when one was skipped (poison entry, no longer dead)."""
    if ids and len(ids) == 1 and not every and not _is_entry(ids[0]):
        with client(api_url) as api:
            job = api.json("POST", f"/v1/dead-letters/{ids[0]}/requeue")
        if as_json:
            print_json(job)
        else:
            typer.echo(job_line(job))
        return
    batch = _batch("requeue", ids, every, org_id, api_url)
    for job_id in batch.requeued:
        if not as_json:
            typer.echo(f"{job_id}  queued")
    n = len(batch.requeued)
    _report(batch, as_json, f"requeued {n} job{'' if n == 1 else 's'}")


@dlq_app.command("delete")
def delete(
    ids: Ids = None,
    every: AllOpt = False,
    org_id: OrgId = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Take dead letters off the list: the ones named, or `--all` (purge). Their jobs stay
    dead; nothing runs. Exit 2 when a named one was not found."""
    batch = _batch("purge", ids, every, org_id, api_url)
    n = len(batch.removed)
    _report(batch, as_json, f"deleted {n} dead letter{'' if n == 1 else 's'}")


@dlq_app.command("purge")
def purge(
    org_id: OrgId = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Delete every dead letter in view (of the org); their jobs stay dead."""
    if not yes and not typer.confirm("Delete every dead letter in view?", default=False):
        raise typer.Exit(1)
    batch = _batch("purge", None, True, org_id, api_url)
    n = len(batch.removed)
    _report(batch, as_json, f"purged {n} dead letter{'' if n == 1 else 's'}")


def _is_entry(value: str) -> bool:
    head, _, tail = value.partition("-")
    return head.isdigit() and tail.isdigit()
