"""The typer application object, whose commands report :class:`CliError` as one line."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from qgjob_cli.client import CliError

F = TypeVar("F", bound=Callable[..., Any])


class QgjobTyper(typer.Typer):
    """A Typer whose commands turn :class:`CliError` into ``qgjob: <message>`` on stderr and
    the error's exit code: never a traceback."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorate(fn: F) -> F:
            @functools.wraps(fn)
            def run(*a: Any, **k: Any) -> Any:
                try:
                    return fn(*a, **k)
                except CliError as exc:
                    typer.echo(f"qgjob: {exc.message}", err=True)
                    raise typer.Exit(exc.code) from None

            register(run)
            return fn

        return decorate
