"""``--junit``: the JUnit XML report (written by :mod:`qgjob_core.junit`, the same writer
the API uses), with a write failure reported as a bad argument."""

from __future__ import annotations

from pathlib import Path

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.tracking import Tracked
from qgjob_core import junit
from qgjob_schemas import Job


def write(path: Path, tracked: Tracked, jobs: list[Job]) -> None:
    """Write the report to ``path`` (its folder is created; the file is replaced whole)."""
    try:
        junit.write(path, tracked, jobs)
    except OSError as exc:
        raise CliError(
            f"cannot write the JUnit report {path}: {exc}", exit_codes.BAD_ARGUMENTS
        ) from None
