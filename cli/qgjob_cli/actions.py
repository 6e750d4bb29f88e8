"""What ``qgjob wait`` adds when it runs in a GitHub Actions job (``GITHUB_ACTIONS=true``):

* a step summary, appended to the file ``GITHUB_STEP_SUMMARY`` names: the verdict, counts,
  every job that did not pass, the flaky passes, and a link to the dashboard;
* an annotation per failed or dead job (``::error file=<test path>,title=…::<why>``) and
  per flaky pass (``::warning``), printed on stdout where the runner reads them (not with
  ``--json``, whose stdout stays one JSON document).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import typer

from qgjob_cli.client import say
from qgjob_cli.output import STATUS_ORDER, duration, run_time
from qgjob_cli.tracking import Tracked
from qgjob_schemas import Job, JobStatus, suite_dashboard_path

ANNOTATED = {JobStatus.FAILED: "error", JobStatus.DEAD: "error"}
MAX_ROWS = 200
"""Failure rows in the summary (GitHub caps a step summary at 1 MiB)."""


def running_under_actions(env: Mapping[str, str] | None = None) -> bool:
    return (env if env is not None else os.environ).get("GITHUB_ACTIONS") == "true"


def _data(text: str) -> str:
    """A workflow command's message, escaped as the runner reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _why(job: Job) -> str:
    return (job.result.message if job.result else "") or job.error or job.status.value


def annotation_lines(jobs: list[Job]) -> list[str]:
    """One workflow command per failed or dead job and per flaky pass."""
    lines = []
    for job in jobs:
        level = ANNOTATED.get(job.status)
        if level is not None:
            title = f"qgjob: {job.status.value} on {job.target.value}"
            why = _why(job)
        elif job.flaky and job.result is not None:
            level, title = "warning", f"qgjob: flaky on {job.target.value}"
            why = f"passed after {job.result.runs} runs"
        else:
            continue
        lines.append(
            f"::{level} file={_prop(job.test_path)},title={_prop(title)}::"
            f"{_data(f'{why} (job {job.id})')}"
        )
    return lines


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")[:300]


def dashboard_link(api_url: str, tracked: Tracked) -> str:
    """A suite's own page (the path the API gave with the suite), or the job's."""
    if tracked.kind == "suite":
        return api_url.rstrip("/") + (tracked.dashboard_path or suite_dashboard_path(tracked.id))
    return api_url.rstrip("/") + f"/ui/#/jobs/{tracked.id}"


def step_summary(tracked: Tracked, verdict: str, elapsed: float, api_url: str) -> str:
    """The Markdown of the step summary."""
    jobs = tracked.latest_jobs()
    counts = tracked.counts()
    name = f' "{tracked.name}"' if tracked.name else ""
    flaky = [j for j in jobs if j.flaky]
    shown = [s for s in STATUS_ORDER if counts.get(s.value)]
    lines = [
        f"### qgjob {tracked.kind} `{tracked.id}`{name}: {verdict}",
        "",
        f"App `{tracked.app_version_id}` on {', '.join(tracked.targets)}: "
        f"{tracked.total} job{'s' if tracked.total != 1 else ''} in {duration(elapsed)}.",
        "",
        "| " + " | ".join([s.value for s in shown] + ["flaky", "total"]) + " |",
        "|" + "---:|" * (len(shown) + 2),
        "| "
        + " | ".join([str(counts[s.value]) for s in shown] + [str(len(flaky)), str(tracked.total)])
        + " |",
    ]
    problems = [j for j in jobs if j.status is not JobStatus.PASSED]
    if problems:
        lines += ["", "| status | test | target | why | job |", "|---|---|---|---|---|"]
        lines += [
            f"| {j.status.value} | `{_cell(j.test_path)}` | {j.target.value} | "
            f"{_cell(_why(j))} | `{j.id}` |"
            for j in problems[:MAX_ROWS]
        ]
        if len(problems) > MAX_ROWS:
            lines.append(
                f"\n…and {len(problems) - MAX_ROWS} more (qgjob list --suite {tracked.id})"
            )
    if flaky:
        lines += ["", "Flaky (passed on a rerun):", ""]
        lines += [
            f"- `{_cell(j.test_path)}` on {j.target.value}: {run_time(j.result)} (`{j.id}`)"
            for j in flaky
        ]
    lines += ["", f"[Open in the qgjob dashboard]({dashboard_link(api_url, tracked)})", ""]
    return "\n".join(lines)


def report(tracked: Tracked, verdict: str, elapsed: float, api_url: str, *, as_json: bool) -> None:
    """Write the step summary (when the runner gave a file) and print the annotations."""
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        try:
            with Path(summary_file).open("a", encoding="utf-8") as fh:
                fh.write(step_summary(tracked, verdict, elapsed, api_url) + "\n")
        except OSError as exc:
            say(f"cannot write the GitHub step summary {summary_file}: {exc}")
    if not as_json:
        for line in annotation_lines(tracked.latest_jobs()):
            typer.echo(line)
