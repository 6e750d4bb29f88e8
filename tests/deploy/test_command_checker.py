"""The checker the manifest and workflow tests rely on finds what is wrong with a command
line — against the real CLI, not a list — and accepts what is right."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import pytest
import typer
import yaml

from tests.deploy.test_workflows import qgjob_problems
from tests.support.commands import check_argv, check_typer, shell_commands

SUBMIT = ["qgjob", "submit", "--org-id", "acme", "--app-version-id", "v1", "--test", "a.spec.js"]


@pytest.mark.parametrize(
    "argv",
    [
        SUBMIT,
        [*SUBMIT, "--json", "--target=device", "--priority", "high"],
        ["qgjob", "status", "01JOB"],
        ["qgjob", "status", "--job-id", "01JOB", "--json"],
        ["qgjob", "dlq", "list", "--limit", "10"],
        ["qgjob", "dlq", "requeue", "01JOB"],
        ["qgjob", "up", "--port", "8080", "--workers", "2"],
        ["qgjob", "dlq", "--help"],
        ["qgjob", "--help"],
        ["qgjob-worker", "--check"],
        ["qgjob-worker", "--target", "browserstack"],
        ["qgjob-scheduler", "--check"],
        ["qgjob-api"],
    ],
)
def test_real_command_lines_pass(argv: list[str]) -> None:
    resolved = check_argv(argv)
    assert resolved.ok, resolved.problems


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["qgjobb", "submit"], "not a console script"),
        (["qgjob", "sumbit"], "no such command 'sumbit'"),
        (["qgjob", "dlq", "flush"], "no such command 'flush'"),
        (["qgjob", "dlq"], "needs a command"),
        ([*SUBMIT, "--wiat"], "no such option --wiat"),
        (["qgjob", "app", "upload", "--org-id", "acme", "b.apk"], "missing --app-version-id"),
        ([*SUBMIT, "--target"], "--target needs a value"),
        ([*SUBMIT, "--json=yes"], "takes no value"),
        (["qgjob", "status", "J1", "J2"], "unexpected extra arguments"),
        (["qgjob", "dlq", "list", "--limit", "0"], "--limit '0'"),
        (["qgjob", "up", "--workers", "many"], "--workers 'many'"),
        (["qgjob", "logs"], "missing JOB_ID"),
        (["qgjob-worker", "--target", "phone"], "invalid choice: 'phone'"),
        (["qgjob-worker", "--chek"], "unrecognized arguments"),
        (["qgjob-scheduler", "--target", "device"], "unrecognized arguments"),
        (["qgjob-api", "--port", "80"], "takes no arguments"),
    ],
)
def test_wrong_command_lines_are_reported(argv: list[str], problem: str) -> None:
    resolved = check_argv(argv)
    assert not resolved.ok
    assert any(problem in p for p in resolved.problems), resolved.problems


def test_placeholders_are_values_of_unknown_type() -> None:
    resolved = check_argv(["qgjob", "dlq", "list", "--limit", "${{ inputs.limit }}"])
    assert resolved.ok, resolved.problems


def test_a_required_option_may_come_from_its_environment_variable() -> None:
    app = typer.Typer()

    @app.command()
    def wait(
        org: Annotated[str, typer.Option("--org", envvar="QGJOB_ORG")],
        suite: Annotated[str, typer.Argument()],
    ) -> None:
        """A command with a required option that an environment variable can give."""

    assert check_typer(app, ["qgjob", "S1"]).problems == ["qgjob: missing --org"]
    resolved = check_typer(app, ["qgjob", "S1"], {"QGJOB_ORG": "acme"})
    assert resolved.ok
    assert resolved.envvars == {"QGJOB_ORG"}


def test_commands_are_found_inside_shell_scripts() -> None:
    script = """
    set -euo pipefail
    export QGJOB_API_URL=${{ secrets.QGJOB_API_URL }}
    JOB=$(qgjob submit --org-id acme --app-version-id "${{ github.sha }}" \\
          --test 'tests/a b.spec.js')   # one job
    qgjob status "$JOB" --json | jq -r .status > status.txt 2>&1 && echo done || qgjob dlq list
    QGJOB_LOG_LEVEL=debug exec qgjob-worker --check; echo "qgjob status is only text"
    """
    assert shell_commands(script) == [
        ["qgjob", "submit", "--org-id", "acme", "--app-version-id", "$GHA_EXPR", "--test",
         "tests/a b.spec.js"],
        ["qgjob", "status", "$JOB", "--json"],
        ["qgjob", "dlq", "list"],
        ["qgjob-worker", "--check"],
    ]  # fmt: skip


def test_a_workflow_with_a_wrong_qgjob_step_is_reported() -> None:
    workflow = yaml.safe_load(
        """
        name: suite
        on: push
        jobs:
          nightly:
            runs-on: ubuntu-24.04
            env: {QGJOB_API_URL: "https://qgjob.example.com"}
            steps:
              - uses: actions/checkout@v4
              - run: qgjob submit --org-id acme --app-version-id v1 --test a.spec.js --json
              - run: |
                  qgjob status $JOB --jsn
                  qgjob logs
              - run: qgjob dlq list
                env: {QGJOB_ORG_ID: acme}
        """
    )
    problems = qgjob_problems(workflow)
    assert problems == [
        "nightly: qgjob status: no such option --jsn (did you mean --json?)",
        "nightly: qgjob logs: missing JOB_ID",
        "nightly: no qgjob program of the step reads QGJOB_ORG_ID",
    ]


def test_reading_a_program_leaves_the_test_processs_signal_handlers_alone() -> None:
    """The services' ``__main__`` modules make SIGTERM exit at import; not in the tests."""
    sys.modules.pop("qgjob_worker.__main__", None)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    assert check_argv(["qgjob-worker", "--check"]).ok
    assert "qgjob_worker.__main__" in sys.modules
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
