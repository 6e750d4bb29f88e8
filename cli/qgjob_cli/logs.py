"""``qgjob logs``: what a job's test printed, once or followed until the job ends."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from qgjob_cli.client import ApiClient, say
from qgjob_cli.common import ApiUrl, client_for, settings
from qgjob_cli.follow import Deadline, Outage, reconnecting
from qgjob_schemas import TERMINAL_STATUSES, Job

FOLLOW_POLL_S = 1.0


def new_part(printed: str, text: str) -> tuple[str, bool]:
    """What of ``text`` is not printed yet, and whether some output was lost between (the
    API trimmed its start past what was printed)."""
    if text.startswith(printed):
        return text[len(printed) :], False
    # the log now starts inside what was printed: find the earliest place from which the
    # rest of what was printed is how the log begins
    at = printed.find(text[:1]) if text else -1
    while at >= 0:
        if text.startswith(printed[at:]):
            return text[len(printed) - at :], False
        at = printed.find(text[:1], at + 1)
    return text, True


def last_lines(text: str, n: int | None) -> str:
    return text if n is None else "".join(text.splitlines(keepends=True)[-n:])


def _follow(api: ApiClient, job_id: str, reconnect_s: float, tail: int | None) -> None:
    outage = Outage(reconnect_s, Deadline(None))
    printed = ""
    first = True
    while True:
        job = reconnecting(
            lambda: Job.model_validate(api.json("GET", f"/v1/jobs/{job_id}")), outage
        )
        text = reconnecting(lambda: api.request("GET", f"/v1/jobs/{job_id}/logs").text, outage)
        part, lost = new_part(printed, text)
        if first:
            part, first = last_lines(part, tail), False
        if lost and printed:
            say("(some output was trimmed by the API before it could be shown)")
        if part:
            typer.echo(part, nl=False)
        printed = text
        if job.status in TERMINAL_STATUSES:
            if printed and not printed.endswith("\n"):
                typer.echo("")
            say(f"job {job_id} {job.status.value}")
            return
        time.sleep(FOLLOW_POLL_S)


def logs(
    job_id: Annotated[str, typer.Argument(metavar="JOB_ID", help="The job's id.")],
    tail: Annotated[
        int | None, typer.Option("--tail", min=1, help="Only the last N lines.", show_default=False)
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", "-f", help="Keep printing new output until the job ends (Ctrl-C stops)."
        ),
    ] = False,
    api_url: ApiUrl = None,
) -> None:
    """Print what the job's test printed (the latest output the API keeps)."""
    cfg = settings(api_url)
    with client_for(cfg) as api:
        if follow:
            try:
                _follow(api, job_id, cfg.reconnect_s, tail)
            except KeyboardInterrupt:
                raise typer.Exit(130) from None
            return
        text = api.request("GET", f"/v1/jobs/{job_id}/logs").text
    if not text:
        say(f"job {job_id} has no output yet")
        return
    text = last_lines(text, tail)
    typer.echo(text, nl=not text.endswith("\n"))
