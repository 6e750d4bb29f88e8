"""Reading and acting on jobs and suites: ``status``, ``list``, ``cancel``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qgjob_cli.client import CliError, say
from qgjob_cli.common import (
    ApiUrl,
    OrgId,
    client_for,
    job_line,
    org_of,
    print_json,
    settings,
)
from qgjob_cli.formats import Format, JsonOut, OutputOpt, chosen, print_data
from qgjob_cli.output import (
    ago,
    counts_text,
    run_time,
    run_time_short,
    status_text,
    table,
    terminal_width,
)
from qgjob_cli.tracking import fetch, read_jobs, tracked_of
from qgjob_schemas import Job, JobPage, JobStatus, Suite, SuiteCancellation

PAGE_MAX = 500


def _job_lines(job: Job, raw: dict[str, Any]) -> list[str]:
    lines = [
        job_line(raw),
        f"  {job.test_path}  app {job.app_version_id}  on {job.target.value}  "
        f"org {job.org_id}  attempts {job.attempts}/{job.max_attempts}",
    ]
    where = [
        f"{k} {v}"
        for k, v in (
            ("priority", job.priority.value),
            ("worker", job.worker_id),
            ("group", job.group_id),
            ("suite", job.suite_id),
        )
        if v
    ]
    lines.append("  " + "  ".join(where))
    when = f"  created {ago(job.created_at)} ago"
    if job.result is not None:
        when += f", ran {run_time(job.result)}"
    if job.flaky and job.result is not None:
        when += f", flaky: passed after {job.result.runs} runs"
    lines.append(when)
    return lines


def _suite_lines(suite: Suite) -> list[str]:
    state = "in progress"
    if suite.finished:
        state = "passed" if suite.passed else "finished, not all passed"
    name = f'  "{suite.name}"' if suite.name else ""
    counts = {s.value: n for s, n in suite.counts.items()}
    return [
        f"{suite.id}  {state}{name}",
        f"  app {suite.app_version_id}  on {', '.join(t.value for t in suite.targets)}  "
        f"org {suite.org_id}  created {ago(suite.created_at)} ago",
        f"  {suite.total} jobs: {counts_text(counts)}",
    ]


def status(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="JOB_OR_SUITE_ID", help="A job id or a suite id.", show_default=False
        ),
    ],
    api_url: ApiUrl = None,
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """Show a job's or a suite's status."""
    fmt = chosen(output, as_json)
    with client_for(settings(api_url)) as api:
        kind, data = fetch(api, ident)
    if fmt is not Format.TABLE:
        print_data(data, fmt)
        return
    if kind == "suite":
        lines = _suite_lines(Suite.model_validate(data))
    else:
        lines = _job_lines(Job.model_validate(data), data)
    typer.echo("\n".join(lines))


def _rows(jobs: list[Job], with_org: bool) -> list[list[str]]:
    rows = []
    for job in jobs:
        shown = status_text(job.status.value) + (" (flaky)" if job.flaky else "")
        row = [
            job.id,
            shown,
            job.test_path,
            job.target.value,
            job.app_version_id,
            f"{job.attempts}/{job.max_attempts}",
            run_time(job.result),
            ago(job.updated_at),
        ]
        rows.append([job.org_id, *row] if with_org else row)
    return rows


def print_jobs(jobs: list[Job]) -> None:
    if not jobs:
        say("no jobs")
        return
    with_org = len({j.org_id for j in jobs}) > 1
    headers = ["JOB", "STATUS", "TEST", "TARGET", "APP", "ATTEMPTS", "DURATION", "UPDATED"]
    typer.echo(
        table(
            ["ORG", *headers] if with_org else headers,
            _rows(jobs, with_org),
            width=terminal_width(),
            drop=("UPDATED", "APP"),
            # a job run more than once: a 26-character id and its duration over the runs
            # do not fit 80 columns together; the id stays whole (it is what commands take)
            short={"DURATION": [run_time_short(j.result) for j in jobs]},
            squeeze="TEST",
            drop_last=("ATTEMPTS", "ORG", "TARGET"),
        )
    )


def _suite_jobs(suite_id: str, api_url: str | None, fmt: Format) -> None:
    with client_for(settings(api_url)) as api:
        tracked = tracked_of("suite", api.json("GET", f"/v1/suites/{suite_id}"))
        read_jobs(api, tracked)
    jobs = [tracked.jobs[j] for j in tracked.job_ids]
    if fmt is not Format.TABLE:
        print_data([j.model_dump(mode="json") for j in jobs], fmt)
    else:
        print_jobs(jobs)


def list_jobs(
    org_id: OrgId = None,
    job_status: Annotated[
        JobStatus | None, typer.Option("--status", help="Only jobs in this status.")
    ] = None,
    app_version_id: Annotated[
        str | None, typer.Option("--app-version-id", help="Only this app version's jobs.")
    ] = None,
    suite: Annotated[
        str | None, typer.Option("--suite", metavar="SUITE_ID", help="Only this suite's jobs.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 20,
    cursor: Annotated[
        str | None, typer.Option("--cursor", help="Continue after a previous page.")
    ] = None,
    api_url: ApiUrl = None,
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """List jobs, newest first, as a table (--json: the API's page, with next_cursor)."""
    fmt = chosen(output, as_json)
    if suite:
        _suite_jobs(suite, api_url, fmt)
        return
    cfg = settings(api_url)
    params: dict[str, str | int] = {"limit": min(limit, PAGE_MAX)}
    for key, value in (
        ("org_id", org_of(org_id, cfg)),
        ("status", job_status.value if job_status else None),
        ("app_version_id", app_version_id),
        ("cursor", cursor),
    ):
        if value:
            params[key] = value
    jobs: list[Job] = []
    with client_for(cfg) as api:
        while True:
            data = api.json("GET", "/v1/jobs", params=params)
            if fmt is not Format.TABLE:
                print_data(data, fmt)
                return
            page = JobPage.model_validate(data)
            jobs.extend(page.items)
            if len(jobs) >= limit or not page.next_cursor:
                break
            params["cursor"] = page.next_cursor
            params["limit"] = min(limit - len(jobs), PAGE_MAX)
    print_jobs(jobs[:limit])
    if page.next_cursor:
        say(f"more: qgjob list --cursor {page.next_cursor} (or a larger --limit)")


def _cancel_suite(api: Any, suite_id: str, as_json: bool) -> None:
    data = api.json("POST", f"/v1/suites/{suite_id}/cancel")
    if as_json:
        print_json(data)
        return
    done = SuiteCancellation.model_validate(data)
    say(
        f"suite {suite_id}: cancelled {done.cancelled} waiting jobs, stopping "
        f"{done.stopping} running, {done.already_finished} already finished"
    )
    typer.echo(_suite_lines(done.suite)[0])


def cancel(
    ids: Annotated[
        list[str], typer.Argument(metavar="JOB_OR_SUITE_ID...", help="Jobs or suites to cancel.")
    ],
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Cancel jobs: a waiting one never runs, a running one is stopped. A suite: all its
    unfinished jobs in one request (again: nothing more happens). A finished job cannot be
    cancelled (exit 15)."""
    failed: CliError | None = None
    with client_for(settings(api_url)) as api:
        for ident in ids:
            try:
                if ident.startswith("s"):
                    _cancel_suite(api, ident, as_json)
                    continue
                job = api.json("POST", f"/v1/jobs/{ident}/cancel")
            except CliError as exc:
                if len(ids) == 1:
                    raise
                say(exc.message)
                failed = exc
                continue
            print_json(job) if as_json else typer.echo(job_line(job))
    if failed is not None:
        raise typer.Exit(failed.code)
