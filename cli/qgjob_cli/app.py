"""The typer application object, whose commands report every failure as one line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from typer.exceptions import TyperException

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.output import fit

F = TypeVar("F", bound=Callable[..., Any])
PASSED_THROUGH = (typer.Exit, typer.Abort, TyperException)
"""Exits and usage errors, which typer reports itself (usage errors exit 2)."""


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


class QgjobTyper(typer.Typer):
    """A Typer whose commands turn :class:`CliError` into ``qgjob: <message>`` on stderr and
    the error's exit code; an answer of the API this CLI cannot read is an API error (15),
    anything unforeseen exits 1 with one line: never a traceback."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorate(fn: F) -> F:
            @functools.wraps(fn)
            def run(*a: Any, **k: Any) -> Any:
                try:
                    return fn(*a, **k)
                except CliError as exc:
                    typer.echo(fit(f"qgjob: {exc.message}", sys.stderr), err=True)
                    raise typer.Exit(exc.code) from None
                except PASSED_THROUGH:
                    raise
                except ValidationError as exc:
                    typer.echo(
                        f"qgjob: the API answered something this qgjob cannot read: "
                        f"{one_line(exc)}",
                        err=True,
                    )
                    raise typer.Exit(exit_codes.API_ERROR) from None
                except Exception as exc:
                    typer.echo(f"qgjob: unexpected {type(exc).__name__}: {one_line(exc)}", err=True)
                    raise typer.Exit(1) from None

            register(run)
            return fn

        return decorate
