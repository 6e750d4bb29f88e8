"""``qgjob``: submit test jobs, follow them, run the platform."""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Annotated

import typer

from qgjob_cli import admin, config_cmd, jobs, logs, retry, stats, submit, wait
from qgjob_cli.app import QgjobTyper
from qgjob_cli.dlq import dlq_app
from qgjob_cli.version import show_version
from qgjob_cli.wait import EXIT_CODES_HELP
from qgjob_cli.workers import workers

app = QgjobTyper(
    name="qgjob",
    help="Submit mobile end-to-end test jobs to qgjob and follow them.\n\n"
    "Settings: flags, then QGJOB_API_URL / QGJOB_TOKEN / QGJOB_ORG, then "
    "~/.config/qgjob/config.toml (qgjob config show).\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode="markdown",
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"qgjob {version('qgjob')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Submit mobile end-to-end test jobs to qgjob and follow them."""


app.command("submit", rich_help_panel="Jobs")(submit.submit)
app.command("wait", rich_help_panel="Jobs", epilog=EXIT_CODES_HELP)(wait.wait)
app.command("status", rich_help_panel="Jobs")(jobs.status)
app.command("list", rich_help_panel="Jobs")(jobs.list_jobs)
app.command("logs", rich_help_panel="Jobs")(logs.logs)
app.command("cancel", rich_help_panel="Jobs")(jobs.cancel)
app.command("retry", rich_help_panel="Jobs")(retry.retry)
app.command("stats", rich_help_panel="Platform")(stats.stats)
app.command("health", rich_help_panel="Platform")(stats.health)
app.add_typer(dlq_app, name="dlq", rich_help_panel="Operators")
app.command("workers", rich_help_panel="Platform")(workers)
app.command("version", rich_help_panel="Platform")(show_version)


@app.command(rich_help_panel="Platform")
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    redis_url: Annotated[
        str,
        typer.Option(
            envvar=["QGJOB_REDIS_URL", "REDIS_URL"],
            help="Store URL (redis://host:6379/0); memory:// embeds one.",
        ),
    ] = "memory://",
    workers: Annotated[int, typer.Option(min=1, help="Simulated workers per target.")] = 1,
    fallback: Annotated[
        bool,
        typer.Option(
            "--fallback/--no-fallback",
            help="When the Redis given cannot be reached at start-up, run on the embedded "
            "store (with a warning) instead of refusing to start.",
        ),
    ] = True,
) -> None:
    """Run the whole platform in this process: API, scheduler and simulated workers.

    Prints which store it runs on."""
    from qgjob_cli.embedded import UpOptions, check_port
    from qgjob_cli.embedded import up as run_up
    from qgjob_core.lifecycle import run
    from qgjob_core.logging import configure

    check_port(host, port)
    configure("up", level="warning")
    opts = UpOptions(
        host=host, port=port, redis_url=redis_url, workers_per_target=workers, fallback=fallback
    )
    run(run_up(opts))


from qgjob_cli import apps as _apps  # noqa: E402 (registers its commands on the app)

app.add_typer(_apps.app, name="app", rich_help_panel="Jobs")
app.add_typer(admin.app, rich_help_panel="Operators")
app.add_typer(config_cmd.app, rich_help_panel="Platform")


def normalise_args(args: list[str]) -> list[str]:
    """The first form of ``status``, ``qgjob status --job-id=ID``, kept working: it becomes
    ``qgjob status ID`` (the id is a required argument; an option would show it optional)."""
    if not args or args[0] != "status":
        return list(args)
    out = [args[0]]
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--job-id":
            out.append(next(rest, ""))
        elif arg.startswith("--job-id="):
            out.append(arg.partition("=")[2])
        else:
            out.append(arg)
    return out


def main() -> None:
    # the same name however it is started (``python -m qgjob_cli`` too): usage lines and
    # the completion scripts say qgjob
    app(args=normalise_args(sys.argv[1:]), prog_name="qgjob")


if __name__ == "__main__":
    main()
