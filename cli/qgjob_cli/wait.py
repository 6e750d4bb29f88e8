"""``qgjob wait``: follow a job or suite to its end; exit with a code a CI can branch on.

Exit codes: 0 every job passed (flaky passes included); 10 a test failed; 20 a job could
not run (dead after its retries, or cancelled); 30 the wait timed out with jobs unfinished;
15 the API could not be reached or refused; 2 bad arguments.

A failed test is a verdict on the build, so it wins: 10 whenever a test failed, even when
other jobs are dead or the wait timed out. Otherwise 30 when jobs were still unfinished at
the timeout, 20 when one is dead or cancelled, 0 when all passed. 20 thus means "no test
failed, but not every test ran": running again may help; 10 means it will not.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer

from qgjob_cli import actions, exit_codes, junit
from qgjob_cli.client import ApiClient, CliError, say
from qgjob_cli.common import ApiUrl, Junit, Poll, Timeout, client_for, print_json, settings
from qgjob_cli.follow import Deadline, Follower, Outage, reconnecting, transient
from qgjob_cli.formats import JsonOut
from qgjob_cli.output import counts_text, duration, fit, run_time, short, status_text
from qgjob_cli.progress import display_for
from qgjob_cli.settings import CliSettings
from qgjob_cli.tracking import Tracked, read_jobs, resolve
from qgjob_schemas import Job, JobStatus

EXIT_CODES_HELP = (
    "Exit codes: 0 all passed (flaky passes included), 10 a test failed, 20 a job could not "
    "run (dead or cancelled), 30 timed out, 15 API or connection error, 2 bad arguments. "
    "A failed test wins: 10 even when other jobs died or the wait timed out."
)
PROBLEMS = (JobStatus.FAILED, JobStatus.DEAD, JobStatus.CANCELLED)


def exit_code(tracked: Tracked) -> int:
    statuses = {tracked.status.get(j) for j in tracked.job_ids}
    if JobStatus.FAILED in statuses:
        return exit_codes.TEST_FAILED
    if tracked.unfinished():
        return exit_codes.TIMED_OUT
    if statuses & {JobStatus.DEAD, JobStatus.CANCELLED}:
        return exit_codes.INFRA_FAILED
    return exit_codes.OK


VERDICTS = {
    exit_codes.OK: "passed",
    exit_codes.TEST_FAILED: "failed",
    exit_codes.INFRA_FAILED: "did not complete",
    exit_codes.TIMED_OUT: "timed out",
}


def _job_summary(word: str, job: Job, why: str) -> str:
    return (
        f"  {status_text(word)}{' ' * (9 - len(word))} {job.test_path}  "
        f"{job.target.value}  {job.id}" + (f": {short(why, 200)}" if why else "")
    )


def dashboard_line(tracked: Tracked, api_url: str) -> str | None:
    """Where to look at a suite in the dashboard; ``None`` for a single job."""
    if tracked.kind != "suite":
        return None
    return f"dashboard {actions.dashboard_link(api_url, tracked)}"


def summary(tracked: Tracked, code: int, elapsed: float, api_url: str = "") -> list[str]:
    """The lines printed at the end: the verdict, each job that did not pass, then each
    flaky pass (named: a test that needed a rerun deserves a look), then a suite's page in
    the dashboard."""
    counts = tracked.counts()
    jobs = tracked.latest_jobs()
    flaky = [j for j in jobs if j.flaky]
    extra = f" ({len(flaky)} flaky)" if flaky else ""
    lines = [
        f"{tracked.kind} {tracked.id} {VERDICTS[code]}: {counts_text(counts)}{extra} "
        f"of {tracked.total} job{'s' if tracked.total != 1 else ''} in {duration(elapsed)}"
    ]
    for job in jobs:
        if job.status is JobStatus.PASSED:
            continue
        why = (job.result.message if job.result else "") or job.error or ""
        lines.append(_job_summary(job.status.value, job, why))
    for job in flaky:
        runs = job.result.runs if job.result else 0
        lines.append(
            _job_summary("flaky", job, f"passed after {runs} runs, {run_time(job.result)}")
        )
    link = dashboard_line(tracked, api_url) if api_url else None
    return [*lines, f"  {link}"] if link else lines


def check_junit_path(path: Path | None) -> None:
    """Refuse a report path that cannot be written before anything is submitted."""
    if path is None:
        return
    if path.is_dir():
        raise CliError(f"--junit {path}: is a folder", exit_codes.BAD_ARGUMENTS)
    folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
    if not os.access(folder, os.W_OK):
        raise CliError(f"--junit {path}: {folder} is not writable", exit_codes.BAD_ARGUMENTS)


def run_wait(
    cfg: CliSettings,
    ident: str,
    *,
    timeout: float | None = None,
    junit_path: Path | None = None,
    as_json: bool = False,
    poll: bool = False,
    api: ApiClient | None = None,
) -> int:
    """Wait for a job or suite; print the summary (or the final JSON); the exit code."""
    client = api or client_for(cfg)
    try:
        return _wait(client, cfg, ident, timeout, junit_path, as_json, poll)
    finally:
        if api is None:
            client.close()


def _wait(
    client: ApiClient,
    cfg: CliSettings,
    ident: str,
    timeout: float | None,
    junit_path: Path | None,
    as_json: bool,
    poll: bool,
) -> int:
    started = time.monotonic()
    deadline = Deadline(timeout)
    tracked = reconnecting(lambda: resolve(client, ident), Outage(cfg.reconnect_s, deadline))
    link = dashboard_line(tracked, cfg.api_url)
    if link:
        say(link)  # once, before the progress: a page to open while the jobs run
    display = display_for()
    display.start(tracked)
    try:
        follower = Follower(
            client, tracked, display, deadline, reconnect_s=cfg.reconnect_s, poll=poll
        )
        follower.run()
    except KeyboardInterrupt:
        display.stop()
        say(f"stopped waiting; the jobs go on (qgjob wait {tracked.id} follows them again)")
        raise typer.Exit(130) from None
    finally:
        display.stop()
    if tracked.unfinished():
        say(f"timed out after {duration(timeout)}: {len(tracked.unfinished())} unfinished")
        _read_again(client, tracked)
    code = exit_code(tracked)
    elapsed = time.monotonic() - started
    if junit_path is not None:
        jobs = tracked.latest_jobs()
        junit.write(junit_path, tracked, jobs)
        say(f"wrote the JUnit report {junit_path} ({len(jobs)} testcases)")
    if actions.running_under_actions():
        actions.report(tracked, VERDICTS[code], elapsed, cfg.api_url, as_json=as_json)
    if as_json:
        print_json(client.json("GET", tracked.path))
    else:
        for line in summary(tracked, code, elapsed, cfg.api_url):
            typer.echo(fit(line))
    return code


def _read_again(client: ApiClient, tracked: Tracked) -> None:
    """The wait timed out: read every record once more, so the report has the results of
    the jobs that did finish (their ends may have come as events only). Best effort: an API
    gone meanwhile leaves the statuses the events gave."""
    try:
        read_jobs(client, tracked)
    except (CliError, httpx.HTTPError) as exc:
        if transient(exc) is None:
            raise


def wait(
    ident: Annotated[
        str, typer.Argument(metavar="JOB_OR_SUITE_ID", help="A job id or a suite id.")
    ],
    timeout: Timeout = None,
    junit_path: Junit = None,
    poll: Poll = False,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Wait for a job or a suite to finish, showing progress; exit with its verdict.

    Follows the live events (resuming after a reconnect), or polls. On a terminal a
    progress bar shows counts by status; otherwise each finished job is a line. At the end
    a summary lists every job that did not pass (--json: the job or suite as the API gives
    it).
    """
    check_junit_path(junit_path)
    code = run_wait(
        settings(api_url), ident, timeout=timeout, junit_path=junit_path, as_json=as_json, poll=poll
    )
    raise typer.Exit(code)
