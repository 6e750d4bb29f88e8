"""``qgjob submit``: one test on one target makes a job; several tests or targets, a suite
file or a ``--name`` make a suite. Prints the job's or suite's id on stdout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from qgjob_cli import exit_codes, suitefile
from qgjob_cli.client import CliError, say
from qgjob_cli.common import (
    ApiUrl,
    Junit,
    OrgId,
    Poll,
    Timeout,
    client_for,
    print_json,
    settings,
)
from qgjob_cli.formats import JsonOut
from qgjob_cli.settings import CliSettings
from qgjob_cli.testpaths import expand
from qgjob_cli.wait import check_junit_path, run_wait
from qgjob_schemas import JobPayload, Priority, SuitePayload, Target

Tests = Annotated[
    list[str] | None,
    typer.Option(
        "--test",
        "-t",
        metavar="PATH_OR_GLOB",
        help="Test file relative to the test repository, or a glob expanded here "
        "('tests/**/*.spec.js': quote it). Repeatable; replaces the suite file's tests.",
        show_default=False,
    ),
]
SuiteFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        metavar="SUITE_FILE",
        help="A suite file (YAML: org_id, app_version_id, targets, tests or globs, priority, "
        "flaky_retries, max_attempts, name). Flags replace its values.",
        dir_okay=False,
        show_default=False,
    ),
]
AppVersion = Annotated[
    str | None,
    typer.Option(
        "--app-version-id",
        help="App build to test (required unless the suite file names it).",
        show_default=False,
    ),
]
Targets = Annotated[
    list[Target] | None,
    typer.Option(
        "--target",
        help="Where to run each test; repeatable (default: emulator).",
        show_default=False,
    ),
]
PriorityOpt = Annotated[
    Priority | None,
    typer.Option(
        "--priority", help="low, normal, high or urgent (default: normal).", show_default=False
    ),
]
FlakyRetries = Annotated[
    int | None,
    typer.Option(
        "--flaky-retries",
        min=0,
        max=5,
        help="Reruns of a failed test; a later pass is flaky (default: 0).",
        show_default=False,
    ),
]
MaxAttempts = Annotated[
    int | None,
    typer.Option(
        "--max-attempts",
        min=1,
        max=20,
        help="Attempts for infrastructure errors (default: the server's).",
        show_default=False,
    ),
]
Name = Annotated[
    str | None,
    typer.Option("--name", help="A label for the suite (makes a suite).", show_default=False),
]
IdempotencyKey = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key",
        envvar="QGJOB_IDEMPOTENCY_KEY",
        help="Submitting again with the same key (within 24 h) creates nothing and prints "
        "the same id: safe retries in CI.",
        show_default=False,
    ),
]
Wait = Annotated[
    bool,
    typer.Option("--wait", help="Then wait like `qgjob wait` (implied by --timeout, --junit)."),
]


def _fields(
    suite_file: Path | None, tests: list[str] | None, overrides: dict[str, Any]
) -> dict[str, Any]:
    fields = suitefile.load(suite_file) if suite_file else {}
    if tests:
        fields["tests"] = expand(tests, Path.cwd())
    fields.update({k: v for k, v in overrides.items() if v is not None})
    if not fields.get("tests"):
        raise CliError(
            "nothing to run: give --test PATH (or -f SUITE_FILE with tests)",
            exit_codes.BAD_ARGUMENTS,
        )
    if not fields.get("app_version_id"):
        raise CliError(
            "give --app-version-id (or app_version_id in the suite file)",
            exit_codes.BAD_ARGUMENTS,
        )
    return fields


def _validated(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    try:
        payload = model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'submission'}: "
            f"{str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()[:3]
        )
        raise CliError(f"invalid submission: {problems}", exit_codes.BAD_ARGUMENTS) from None
    dumped: dict[str, Any] = payload.model_dump(mode="json", exclude_none=True)
    return dumped


def build(fields: dict[str, Any], *, as_suite: bool) -> tuple[str, dict[str, Any]]:
    """(API path, body): a job for one test on one target, else a suite."""
    tests, targets = fields["tests"], fields.get("targets") or [Target.EMULATOR.value]
    if not as_suite and len(tests) == 1 and len(targets) == 1:
        job = {k: v for k, v in fields.items() if k not in ("tests", "targets", "name")}
        job |= {"test_path": tests[0], "target": targets[0]}
        return "/v1/jobs", _validated(JobPayload, job)
    return "/v1/suites", _validated(SuitePayload, fields)


def _submitted(created: dict[str, Any], replayed: bool) -> str:
    again = " (already submitted with this idempotency key: nothing new)" if replayed else ""
    if "test_path" in created:
        return (
            f"submitted job {created['id']}: {created['test_path']} on {created['target']}, "
            f"app {created['app_version_id']}{again}"
        )
    targets = created.get("targets", [])
    return (
        f"submitted suite {created['id']}: {created['total']} jobs "
        f"({created['total'] // max(len(targets), 1)} tests × {len(targets)} "
        f"target{'s' if len(targets) != 1 else ''}), app {created['app_version_id']}{again}"
    )


def send(
    cfg: CliSettings, path: str, body: dict[str, Any], idempotency_key: str | None
) -> dict[str, Any]:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    with client_for(cfg) as api:
        response = api.request("POST", path, json=body, headers=headers)
    created: dict[str, Any] = response.json()
    say(_submitted(created, response.headers.get("Idempotent-Replayed") == "true"))
    return created


def submit(
    test: Tests = None,
    suite_file: SuiteFile = None,
    app_version_id: AppVersion = None,
    org_id: OrgId = None,
    target: Targets = None,
    priority: PriorityOpt = None,
    flaky_retries: FlakyRetries = None,
    max_attempts: MaxAttempts = None,
    name: Name = None,
    idempotency_key: IdempotencyKey = None,
    wait: Wait = False,
    timeout: Timeout = None,
    junit_path: Junit = None,
    poll: Poll = False,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Submit tests: one test on one target is a job, more (or -f, or --name) a suite.

    Prints the job's or suite's id on stdout (--json: the API's answer), a summary on
    stderr. With --wait, waits and exits like `qgjob wait`.
    """
    check_junit_path(junit_path)
    cfg = settings(api_url)
    overrides = {
        "app_version_id": app_version_id,
        "targets": [t.value for t in target] if target else None,
        "priority": priority.value if priority else None,
        "flaky_retries": flaky_retries,
        "max_attempts": max_attempts,
        "name": name,
    }
    fields = _fields(suite_file, test, overrides)
    org = org_id or fields.get("org_id") or cfg.org
    fields = {**fields, "org_id": org} if org else fields
    path, body = build(fields, as_suite=suite_file is not None or name is not None)
    created = send(cfg, path, body, idempotency_key)
    if not (wait or timeout or junit_path):
        if as_json:
            print_json(created)
        else:
            typer.echo(created["id"])
        return
    if not as_json:
        typer.echo(created["id"])
    code = run_wait(
        cfg, created["id"], timeout=timeout, junit_path=junit_path, as_json=as_json, poll=poll
    )
    raise typer.Exit(code)
