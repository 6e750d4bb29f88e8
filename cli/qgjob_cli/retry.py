"""``qgjob retry``: run again what did not pass.

* a dead job is requeued in place (same id, a fresh attempt budget), as ``dlq requeue``;
* a failed, cancelled or passed job is submitted again as a new job with the same test,
  app version, target and options (its new id is printed);
* a finished suite: its jobs that did not pass (``--all``: every job) are submitted again
  as a new suite (the tests that did not pass, on the targets where they did not);
* a job or suite still unfinished cannot be retried (exit 15): wait for it or cancel it.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qgjob_cli.client import ApiClient, CliError, say
from qgjob_cli.common import ApiUrl, Junit, Poll, Timeout, client_for, print_json, settings
from qgjob_cli.formats import JsonOut
from qgjob_cli.tracking import fetch, read_jobs, tracked_of
from qgjob_cli.wait import check_junit_path, run_wait
from qgjob_schemas import Job, JobStatus

RESUBMITTED = ("org_id", "app_version_id", "test_path", "target", "priority", "flaky_retries")


def _job_again(api: ApiClient, job: Job) -> dict[str, Any]:
    if job.status is JobStatus.DEAD:
        requeued: dict[str, Any] = api.json("POST", f"/v1/dead-letters/{job.id}/requeue")
        say(f"requeued dead job {job.id} with a fresh attempt budget")
        return requeued
    if not job.status.terminal:
        raise CliError(
            f"job {job.id} is {job.status.value}, not finished: nothing to retry "
            "(qgjob wait or qgjob cancel it first)"
        )
    body = job.model_dump(mode="json", include=set(RESUBMITTED))
    body["max_attempts"] = job.max_attempts
    if job.app_url:
        body["app_url"] = job.app_url
    created: dict[str, Any] = api.json("POST", "/v1/jobs", json=body)
    say(f"submitted {job.status.value} job {job.id} again as {created['id']}")
    return created


def _suite_again(api: ApiClient, data: dict[str, Any], every: bool) -> dict[str, Any] | None:
    tracked = tracked_of("suite", data)
    if not tracked.finished():
        raise CliError(
            f"suite {tracked.id} is not finished: nothing to retry "
            "(qgjob wait or qgjob cancel it first)"
        )
    read_jobs(api, tracked)
    jobs = [tracked.jobs[j] for j in tracked.job_ids]
    again = jobs if every else [j for j in jobs if j.status is not JobStatus.PASSED]
    if not again:
        say(f"every job of suite {tracked.id} passed: nothing to retry (--all runs them all)")
        return None
    first = again[0]
    body = {
        "org_id": tracked.org_id,
        "app_version_id": tracked.app_version_id,
        "tests": sorted({j.test_path for j in again}),
        "targets": sorted({j.target.value for j in again}),
        "name": f"{tracked.name or tracked.id} (retry)"[:128],
        "priority": first.priority.value,
        "flaky_retries": first.flaky_retries,
        "max_attempts": first.max_attempts,
    }
    created: dict[str, Any] = api.json("POST", "/v1/suites", json=body)
    jobs_text = f"{len(again)} job{'s' if len(again) != 1 else ''}"
    say(f"submitted {jobs_text} of suite {tracked.id} again as suite {created['id']}")
    return created


def retry(
    ident: Annotated[str, typer.Argument(metavar="JOB_OR_SUITE_ID", help="What to run again.")],
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="A suite: run every job again, not only those that did not pass."
        ),
    ] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Then wait like `qgjob wait`.")] = False,
    timeout: Timeout = None,
    junit_path: Junit = None,
    poll: Poll = False,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Run a job or suite again: a dead job is requeued in place; a finished job is
    submitted again as a new job; a finished suite's jobs that did not pass (--all: every
    job) are submitted again as a new suite. Prints the id to follow."""
    check_junit_path(junit_path)
    cfg = settings(api_url)
    with client_for(cfg) as api:
        kind, data = fetch(api, ident)
        if kind == "suite":
            created = _suite_again(api, data, every)
        else:
            created = _job_again(api, Job.model_validate(data))
    if created is None:
        return
    if not (wait or timeout or junit_path):
        print_json(created) if as_json else typer.echo(created["id"])
        return
    if not as_json:
        typer.echo(created["id"])
    code = run_wait(
        cfg, created["id"], timeout=timeout, junit_path=junit_path, as_json=as_json, poll=poll
    )
    raise typer.Exit(code)
