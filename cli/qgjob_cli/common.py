"""Options and helpers every command shares."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from qgjob_cli import formats
from qgjob_cli.client import ApiClient
from qgjob_cli.formats import Format, print_data
from qgjob_cli.settings import CliSettings, load_settings

ApiUrl = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        help="qgjob API URL (default: QGJOB_API_URL, else the config file's api_url, "
        "else http://127.0.0.1:8080).",
        show_default=False,
    ),
]
JsonOut = formats.JsonOut
"""``--json`` (also importable from :mod:`qgjob_cli.formats`, beside ``--output``)."""
OrgId = Annotated[
    str | None,
    typer.Option(
        "--org-id",
        help="Organisation (default: QGJOB_ORG, else the config file's org, else the "
        "token's org; an operator: every org).",
        show_default=False,
    ),
]


def settings(api_url: str | None = None) -> CliSettings:
    return load_settings(api_url=api_url)


def client_for(cfg: CliSettings) -> ApiClient:
    return ApiClient(
        cfg.api_url,
        token=cfg.token,
        timeout=cfg.request_timeout_s,
        ca_bundle=cfg.ca_bundle,
        rate_limit_retries=cfg.rate_limit_retries,
    )


def client(api_url: str | None) -> ApiClient:
    return client_for(settings(api_url))


def org_of(org_id: str | None, cfg: CliSettings) -> str | None:
    """``--org-id``, else ``QGJOB_ORG`` / the config file's ``org``; ``None``: the API
    decides (the token's org)."""
    return org_id or cfg.org or None


def print_json(data: Any) -> None:
    print_data(data, Format.JSON)


def job_line(job: dict[str, Any]) -> str:
    """``<id>  <status> (<why>)`` for a job as the API returns it."""
    result = job.get("result") or {}
    why = result.get("message") or ""
    if job.get("error") and job["status"] in ("error", "dead"):
        why = job["error"]
    if job.get("cancel_requested") and job["status"] == "running":
        why = "cancel requested"
    return f"{job['id']}  {job['status']}" + (f" ({why})" if why else "")


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)?")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, None: 1.0}


def parse_duration(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``1.5m``, ``1h30m``, ``500ms``."""
    value = text.strip().lower().replace(" ", "")
    parts = list(_DURATION.finditer(value))
    if not value or not parts or "".join(p.group(0) for p in parts) != value:
        raise typer.BadParameter(f"{text!r} is not a duration (e.g. 90, 90s, 30m, 1h30m)")
    seconds = sum(float(p.group(1)) * _UNIT_S[p.group(2)] for p in parts)
    if seconds <= 0:
        raise typer.BadParameter("must be more than 0")
    return seconds


Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        parser=parse_duration,
        metavar="DURATION",
        help="Stop waiting after this long (90, 90s, 30m, 1h30m); exit 30 when jobs are "
        "still unfinished then (default: no limit).",
        show_default=False,
    ),
]
Junit = Annotated[
    Path | None,
    typer.Option(
        "--junit",
        metavar="FILE",
        help="Write a JUnit XML report there: one testcase per job.",
        dir_okay=False,
    ),
]
Poll = Annotated[
    bool,
    typer.Option(
        "--poll",
        help="Poll instead of following live events (for proxies that buffer event streams).",
    ),
]
