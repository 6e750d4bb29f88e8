"""``qgjob``: submit test jobs, follow them, run the platform."""

from __future__ import annotations

from typing import Annotated

import typer

from qgjob_cli import admin, exit_codes
from qgjob_cli.app import QgjobTyper
from qgjob_cli.client import CliError
from qgjob_cli.common import ApiUrl, JsonOut, client, job_line, print_json
from qgjob_cli.dlq import dlq_app
from qgjob_cli.workers import workers

app = QgjobTyper(
    name="qgjob",
    help="Submit mobile end-to-end test jobs to qgjob and follow them.\n\n"
    "Exit codes: 0 ok / all passed, 2 bad arguments, 10 a test failed, "
    "15 API or connection error, 20 infrastructure failure (dead, cancelled), 30 timed out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.command()
def submit(
    app_version_id: Annotated[str, typer.Option("--app-version-id", help="App build to test.")],
    test: Annotated[str, typer.Option("--test", help="Test file, relative to the test repo.")],
    org_id: Annotated[
        str | None,
        typer.Option("--org-id", help="Organisation that owns the job [default: the token's]."),
    ] = None,
    target: Annotated[str, typer.Option(help="emulator, device or browserstack.")] = "emulator",
    priority: Annotated[str, typer.Option(help="low, normal, high or urgent.")] = "normal",
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Submit one test job; prints its id."""
    payload = {
        **({"org_id": org_id} if org_id else {}),
        "app_version_id": app_version_id,
        "test_path": test,
        "target": target,
        "priority": priority,
    }
    job = client(api_url).json("POST", "/v1/jobs", json=payload)
    if as_json:
        print_json(job)
    else:
        typer.echo(job["id"])


@app.command()
def status(
    job_id_arg: Annotated[
        str | None, typer.Argument(metavar="JOB_ID", help="The job's id.")
    ] = None,
    job_id: Annotated[str | None, typer.Option("--job-id", help="The job's id.")] = None,
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Show a job's status."""
    jid = job_id_arg or job_id
    if not jid:
        raise CliError("give a job id: qgjob status JOB_ID", exit_codes.BAD_ARGUMENTS)
    job = client(api_url).json("GET", f"/v1/jobs/{jid}")
    if as_json:
        print_json(job)
        return
    typer.echo(job_line(job))
    typer.echo(
        f"  {job['test_path']}  app {job['app_version_id']}  on {job['target']}  "
        f"org {job['org_id']}  attempts {job['attempts']}/{job['max_attempts']}"
    )


@app.command()
def cancel(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    api_url: ApiUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Cancel a job: a waiting one never runs, a running one is stopped."""
    job = client(api_url).json("POST", f"/v1/jobs/{job_id}/cancel")
    if as_json:
        print_json(job)
    else:
        typer.echo(job_line(job))


app.add_typer(dlq_app, name="dlq")
app.command("workers")(workers)


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    redis_url: Annotated[
        str, typer.Option(envvar="QGJOB_REDIS_URL", help="Store URL; memory:// embeds one.")
    ] = "memory://",
    workers: Annotated[int, typer.Option(min=1, help="Simulated workers per target.")] = 1,
) -> None:
    """Run the whole platform in this process: API, scheduler and simulated workers."""
    from qgjob_cli.embedded import UpOptions
    from qgjob_cli.embedded import up as run_up
    from qgjob_core.lifecycle import run
    from qgjob_core.logging import configure

    configure("up", level="warning")
    run(run_up(UpOptions(host=host, port=port, redis_url=redis_url, workers_per_target=workers)))


from qgjob_cli import apps as _apps  # noqa: E402 (registers its commands on the app)

app.add_typer(_apps.app, name="app")
app.add_typer(admin.app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
