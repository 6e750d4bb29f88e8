"""``qgjob stats`` (the figures of ``GET /v1/stats``) and ``qgjob health``."""

from __future__ import annotations

from typing import Any

import typer

from qgjob_cli.client import ApiError
from qgjob_cli.common import ApiUrl, OrgId, client_for, org_of, settings
from qgjob_cli.formats import Format, JsonOut, OutputOpt, chosen, print_data
from qgjob_cli.output import counts_text, duration, table
from qgjob_schemas import Stats


def _installs(stats: Stats) -> str:
    needed = stats.installs_done + stats.installs_saved
    share = f" ({stats.installs_saved / needed:.0%} of {needed} avoided)" if needed else ""
    return f"{stats.installs_done} done, {stats.installs_saved} saved{share}"


def _wait(stats: Stats) -> str:
    if stats.queue_wait_p50_s is None:
        return "-"
    return f"p50 {duration(stats.queue_wait_p50_s)}, p95 {duration(stats.queue_wait_p95_s)}"


def stats_lines(stats: Stats) -> list[str]:
    rows = [
        ["org", stats.org_id or "every org"],
        ["jobs", counts_text(stats.jobs_by_status)],
    ]
    rows += [
        [f"  on {target}", counts_text(counts)] for target, counts in stats.jobs_by_target.items()
    ]
    rows += [
        ["installs", _installs(stats)],
        ["groups formed", str(stats.groups_formed)],
        ["retries", str(stats.retries)],
        ["dead letters", str(stats.dead_letters)],
        ["throughput", f"{stats.jobs_per_minute:g} jobs/min (last 5 min)"],
        ["queue wait", _wait(stats)],
    ]
    if stats.workers_by_state is not None:
        rows.append(
            ["workers", ", ".join(f"{n} {s}" for s, n in stats.workers_by_state.items()) or "none"]
        )
    lines = table(["", ""], rows).splitlines()[1:]
    if stats.queues:
        queue_rows = [
            [name, str(q.depth), str(q.lag), str(q.pending)] for name, q in stats.queues.items()
        ]
        lines += ["", *table(["STREAM", "DEPTH", "LAG", "PENDING"], queue_rows).splitlines()]
    return lines


def stats(
    org_id: OrgId = None,
    api_url: ApiUrl = None,
    output: OutputOpt = None,
    as_json: JsonOut = False,
) -> None:
    """Jobs by status and target, installs done and saved, groups, retries, dead letters,
    throughput, queue waits (an operator: also queues and workers)."""
    fmt = chosen(output, as_json)
    cfg = settings(api_url)
    org = org_of(org_id, cfg)
    with client_for(cfg) as api:
        data = api.json("GET", "/v1/stats", params={"org_id": org} if org else {})
    if fmt is not Format.TABLE:
        print_data(data, fmt)
        return
    typer.echo("\n".join(stats_lines(Stats.model_validate(data))))


def health(api_url: ApiUrl = None, output: OutputOpt = None, as_json: JsonOut = False) -> None:
    """Check that the API is up and its store answers (exit 0), else exit 15."""
    fmt = chosen(output, as_json)
    cfg = settings(api_url)
    with client_for(cfg) as api:
        api.request("GET", "/healthz")
        try:
            ready: dict[str, Any] = api.json("GET", "/readyz")
        except ApiError as exc:
            if fmt is not Format.TABLE and exc.body is not None:
                print_data(exc.body, fmt)
            raise
    if fmt is not Format.TABLE:
        print_data(ready, fmt)
        return
    typer.echo(f"ok: the API at {api.base_url} is up and its store answers")
