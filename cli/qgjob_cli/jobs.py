"""Reading and acting on jobs and suites: ``status``, ``list``, ``logs``, ``cancel``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qgjob_cli import exit_codes
from qgjob_cli.client import ApiError, CliError, say
from qgjob_cli.common import (
    ApiUrl,
    JsonOut,
    OrgId,
    client_for,
    job_line,
    org_of,
    print_json,
    settings,
)
from qgjob_cli.output import ago, counts_text, duration, status_text, table
from qgjob_cli.tracking import fetch, read_jobs, tracked_of
from qgjob_schemas import Job, JobPage, JobStatus, Suite

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
    if job.started_at and job.finished_at:
        when += f", ran {duration((job.finished_at - job.started_at).total_seconds())}"
    if job.result is not None and job.result.flaky:
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
        str | None,
        typer.Argument(
            metavar="JOB_OR_SUITE_ID", help="A job id or a suite id.", show_default=False
        ),
    ] = None,
    job_id: Annotated[
        str | None, typer.Option("--job-id", help="The job's id (as the argument).", hidden=True)
    ] = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Show a job's or a suite's status."""
    wanted = ident or job_id
    if not wanted:
        raise CliError("give a job or suite id: qgjob status ID", exit_codes.BAD_ARGUMENTS)
    with client_for(settings(api_url)) as api:
        kind, data = fetch(api, wanted)
    if as_json:
        print_json(data)
        return
    if kind == "suite":
        lines = _suite_lines(Suite.model_validate(data))
    else:
        lines = _job_lines(Job.model_validate(data), data)
    typer.echo("\n".join(lines))


def _rows(jobs: list[Job], with_org: bool) -> list[list[str]]:
    rows = []
    for job in jobs:
        row = [
            job.id,
            status_text(job.status.value),
            job.test_path,
            job.target.value,
            job.app_version_id,
            f"{job.attempts}/{job.max_attempts}",
            ago(job.updated_at),
        ]
        rows.append([job.org_id, *row] if with_org else row)
    return rows


def print_jobs(jobs: list[Job]) -> None:
    if not jobs:
        say("no jobs")
        return
    with_org = len({j.org_id for j in jobs}) > 1
    headers = ["JOB", "STATUS", "TEST", "TARGET", "APP", "ATTEMPTS", "UPDATED"]
    typer.echo(table(["ORG", *headers] if with_org else headers, _rows(jobs, with_org)))


def _suite_jobs(suite_id: str, api_url: str | None, as_json: bool) -> None:
    with client_for(settings(api_url)) as api:
        tracked = tracked_of("suite", api.json("GET", f"/v1/suites/{suite_id}"))
        read_jobs(api, tracked)
    jobs = [tracked.jobs[j] for j in tracked.job_ids]
    if as_json:
        print_json([j.model_dump(mode="json") for j in jobs])
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
    as_json: JsonOut = False,
) -> None:
    """List jobs, newest first, as a table (--json: the API's page, with next_cursor)."""
    if suite:
        _suite_jobs(suite, api_url, as_json)
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
            if as_json:
                print_json(data)
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


def logs(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    tail: Annotated[
        int | None, typer.Option("--tail", min=1, help="Only the last N lines.", show_default=False)
    ] = None,
    api_url: ApiUrl = None,
) -> None:
    """Print what the job's test printed (the latest output the API keeps)."""
    with client_for(settings(api_url)) as api:
        text = api.request("GET", f"/v1/jobs/{job_id}/logs").text
    if not text:
        say(f"job {job_id} has no output yet")
        return
    if tail is not None:
        text = "".join(text.splitlines(keepends=True)[-tail:])
    typer.echo(text, nl=not text.endswith("\n"))


def _cancel_suite(api: Any, suite_id: str, as_json: bool) -> None:
    tracked = tracked_of("suite", api.json("GET", f"/v1/suites/{suite_id}"))
    read_jobs(api, tracked)
    cancelled = []
    for job_id in tracked.unfinished():
        try:
            cancelled.append(api.json("POST", f"/v1/jobs/{job_id}/cancel"))
        except ApiError as exc:
            if exc.status != 409:  # finished meanwhile
                raise
    if as_json:
        print_json(cancelled)
        return
    for job in cancelled:
        typer.echo(job_line(job))
    finished = tracked.total - len(cancelled)
    say(f"suite {suite_id}: cancelled {len(cancelled)} jobs ({finished} already finished)")


def cancel(
    ids: Annotated[
        list[str], typer.Argument(metavar="JOB_OR_SUITE_ID...", help="Jobs or suites to cancel.")
    ],
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Cancel jobs: a waiting one never runs, a running one is stopped. A suite: each of its
    unfinished jobs. A finished job cannot be cancelled (exit 15)."""
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
