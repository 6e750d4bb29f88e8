"""Does a command line name a real qgjob program, subcommand and options?

Programs are the console scripts of ``pyproject.toml`` ``[project.scripts]``. A script's
module tells how its arguments are read:

- a typer ``app`` (``qgjob``): the line is resolved against the real click command tree —
  subcommands, options (``--x v``, ``--x=v``, flags, ``--no-x``), arguments, required
  options (satisfied by an ``envvar`` when the given environment sets it), and values of
  typed parameters (choices, numbers, ranges);
- an argparse ``build_parser()`` (``qgjob-worker``, ``qgjob-scheduler``): parsed by it;
- neither (``qgjob-api``): the program takes no arguments.

Values holding a shell or CI placeholder (``$X``, ``${X}``, ``$(...)``, ``${{ ... }}``) are
checked for presence, not for their type. :func:`shell_commands` finds the qgjob command
lines inside a shell script (a workflow step's ``run``), so the same check applies there.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import io
import re
import shlex
import signal
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

import click
import typer
import typer.main

from tests.support.manifests import ROOT

PLACEHOLDER = "$"
# typer (0.2x and newer) runs on its own copy of click: parameters and commands are read by
# their shared attributes (``params``, ``opts``, ``get_command``, ...), never by class.
_USAGE_ERRORS: tuple[type[Exception], ...] = (click.ClickException,)
with contextlib.suppress(ImportError):
    from typer._click.exceptions import ClickException as _TyperClickException

    _USAGE_ERRORS = (*_USAGE_ERRORS, _TyperClickException)
Command = Any
Param = Any
Context = Any
SHELL_OPERATORS = {";", "&&", "||", "|", "&", "(", ")", "|&", ";;", "\n"}
PREFIX_WORDS = {"exec", "time", "!", "command", "nohup"}


@dataclass
class Resolved:
    """What checking one command line found."""

    program: str
    path: str = ""
    """The program and subcommands, e.g. ``qgjob dlq list``."""
    problems: list[str] = field(default_factory=list)
    envvars: set[str] = field(default_factory=set)
    """Environment variables the resolved command's options read (typer ``envvar=``)."""

    @property
    def ok(self) -> bool:
        return not self.problems


@cache
def console_scripts() -> dict[str, str]:
    """``[project.scripts]``: program name to ``module:function``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    scripts: dict[str, str] = data["project"]["scripts"]
    return scripts


def script_module(program: str) -> ModuleType:
    """The module that defines the console script's function (``qgjob_worker.main`` for
    ``qgjob_worker.__main__:main``, which re-exports it). Importing a ``__main__`` module may
    install signal handlers for the program; the test process keeps its own."""
    module_name, _, function = console_scripts()[program].partition(":")
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        module = importlib.import_module(module_name)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    defined_in = getattr(getattr(module, function), "__module__", module_name)
    return sys.modules.get(defined_in) or module


def check_argv(argv: list[str], env: Mapping[str, str] | None = None) -> Resolved:
    """Check ``argv`` (program first) against the program's real argument parser."""
    program, args = argv[0], list(argv[1:])
    result = Resolved(program, program)
    if program not in console_scripts():
        known = ", ".join(sorted(console_scripts()))
        result.problems.append(f"{program}: not a console script of this project ({known})")
        return result
    module = script_module(program)
    app = getattr(module, "app", None)
    if isinstance(app, typer.Typer):
        normalise = getattr(module, "normalise_args", list)  # what main() does to argv first
        return check_typer(app, [program, *normalise(args)], env)
    if hasattr(module, "build_parser"):
        _check_argparse(result, module.build_parser(), args)
    elif args:
        result.problems.append(f"{program} takes no arguments, got {args}")
    return result


def check_typer(
    app: typer.Typer, argv: list[str], env: Mapping[str, str] | None = None
) -> Resolved:
    """Check ``argv`` against a typer application's command tree."""
    result = Resolved(argv[0], argv[0])
    _ClickWalk(result, dict(env or {})).walk(typer.main.get_command(app), argv[0], argv[1:])
    return result


def _check_argparse(result: Resolved, parser: argparse.ArgumentParser, args: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            parser.parse_args(args)
        except SystemExit as exc:
            if exc.code not in (0, None):
                lines = err.getvalue().strip().splitlines() or ["invalid arguments"]
                result.problems.append(f"{result.program}: {lines[-1]}")


class _ClickWalk:
    def __init__(self, result: Resolved, env: dict[str, str]) -> None:
        self.result, self.env = result, env

    def problem(self, text: str) -> None:
        self.result.problems.append(text)

    def walk(self, cmd: Command, path: str, args: list[str]) -> None:
        self.result.path = path
        ctx = cmd.context_class(cmd, info_name=path.rsplit(maxsplit=1)[-1])
        help_option = cmd.get_help_option(ctx)
        help_names = set(help_option.opts) if help_option else set()
        options = _options(cmd)
        seen: set[str] = set()
        for p in cmd.params:
            self.result.envvars.update(_envvars(p))
        positionals: list[str] = []
        i = 0
        while i < len(args):
            token = args[i]
            if token == "--":
                positionals.extend(args[i + 1 :])
                break
            if token.startswith("-") and token != "-":
                name = token.split("=", 1)[0]
                if name in help_names:
                    return
                if name not in options:
                    self.problem(f"{path}: no such option {name}{_hint(name, options)}")
                    return
                i = self._option(ctx, path, options[name], token, args, i)
                seen.add(options[name].name or name)
                continue
            if _is_group(cmd):
                sub = cmd.get_command(ctx, token)
                if sub is None:
                    names = sorted(cmd.list_commands(ctx))
                    self.problem(f"{path}: no such command {token!r} (commands: {names})")
                    return
                self._missing(cmd, path, seen, set())
                self.walk(sub, f"{path} {token}", args[i + 1 :])
                return
            positionals.append(token)
            i += 1
        if _is_group(cmd) and not cmd.invoke_without_command:
            self.problem(f"{path}: needs a command ({sorted(cmd.list_commands(ctx))})")
            return
        self._missing(cmd, path, seen, self._arguments(ctx, cmd, path, positionals))

    def _option(
        self, ctx: Context, path: str, option: Param, token: str, args: list[str], i: int
    ) -> int:
        """Check the option at ``args[i]`` and its values; the index after them."""
        name, eq, inline = token.partition("=")
        if option.is_flag or option.count:
            if eq:
                self.problem(f"{path}: {name} is a flag and takes no value")
            return i + 1
        n = max(option.nargs, 1)
        values = [inline] if eq else args[i + 1 : i + 1 + n]
        if len(values) < n or any(v.startswith("--") for v in values):
            self.problem(f"{path}: {name} needs a value")
            return i + 1 + len(values)
        for value in values:
            self._convert(ctx, path, option, value, name)
        return i + 1 + (0 if eq else n)

    def _convert(self, ctx: Context, path: str, param: Param, value: str, label: str) -> None:
        if PLACEHOLDER in value:
            return
        try:
            if hasattr(param, "get_runtime_param"):  # typer
                param.get_runtime_param().coerce(value, param=param, ctx=ctx)
            else:  # click
                param.type.convert(value, param, ctx)
        except _USAGE_ERRORS as exc:
            message = getattr(exc, "message", "") or str(exc)
            self.problem(f"{path}: {label} {value!r}: {message}")

    def _arguments(self, ctx: Context, cmd: Command, path: str, values: list[str]) -> set[str]:
        """Match positional values to the command's arguments; the names given."""
        given: set[str] = set()
        rest = list(values)
        for arg in (p for p in cmd.params if p.param_type_name == "argument"):
            take = len(rest) if arg.nargs < 0 else arg.nargs
            chunk, rest = rest[:take], rest[take:]
            if chunk:
                given.add(arg.name or "")
            for value in chunk:
                self._convert(ctx, path, arg, value, (arg.name or "argument").upper())
        if rest:
            self.problem(f"{path}: unexpected extra arguments {rest}")
        return given

    def _missing(self, cmd: Command, path: str, seen: set[str], arguments: set[str]) -> None:
        for p in cmd.params:
            if not p.required or (p.name or "") in seen | arguments:
                continue
            if any(self.env.get(v) for v in _envvars(p)):
                continue
            label = p.opts[0] if p.param_type_name == "option" else (p.name or "").upper()
            self.problem(f"{path}: missing {label}")


def _is_group(cmd: Command) -> bool:
    return hasattr(cmd, "get_command") and hasattr(cmd, "list_commands")


def _options(cmd: Command) -> dict[str, Param]:
    return {
        name: p
        for p in cmd.params
        if p.param_type_name == "option"
        for name in (*p.opts, *p.secondary_opts)
    }


def _envvars(param: Param) -> set[str]:
    envvar = getattr(param, "envvar", None)
    if not envvar:
        return set()
    return {envvar} if isinstance(envvar, str) else set(envvar)


def _hint(name: str, options: Mapping[str, Param]) -> str:
    close = difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


# --- command lines inside shell scripts ----------------------------------------------------

_GHA_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


def shell_commands(script: str) -> list[list[str]]:
    """Every simple command of a shell script whose program is a console script of this
    project, as argv: across lines, ``;``, ``&&``, ``||``, pipes, line continuations and
    command substitutions ``$(...)``; redirections, comments and leading ``VAR=value``
    assignments are dropped."""
    script = _GHA_EXPR.sub("$GHA_EXPR", script).replace("\\\n", " ")
    found: list[list[str]] = []
    for inner in _substitutions(script):
        found.extend(shell_commands(inner))
    for line in script.splitlines():
        found.extend(_line_commands(_SUBSTITUTION.sub("$SUBST", line)))
    return found


_SUBSTITUTION = re.compile(r"\$\((?:[^()]|\([^()]*\))*\)")


def _line_commands(line: str) -> list[list[str]]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.commenters = "#"
    lexer.wordchars += "$={}[]:,@%+^!"
    found: list[list[str]] = []
    command: list[str] = []
    tokens = iter([*lexer, ";"])
    for token in tokens:
        if token.strip("<>&") == "" and token not in SHELL_OPERATORS:
            if command and command[-1].isdigit():
                command.pop()
            next(tokens, None)
            continue
        if token in SHELL_OPERATORS:
            argv = _program_argv(command)
            if argv:
                found.append(argv)
            command = []
        else:
            command.append(token)
    return found


def _program_argv(words: list[str]) -> list[str] | None:
    while words and (re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]) or words[0] in PREFIX_WORDS):
        words = words[1:]
    if words and words[0].rsplit("/", 1)[-1] in console_scripts():
        return [words[0].rsplit("/", 1)[-1], *words[1:]]
    return None


def _substitutions(script: str) -> list[str]:
    """The texts inside ``$( ... )`` (outermost, balanced)."""
    out: list[str] = []
    start = script.find("$(")
    while start != -1:
        depth, j = 0, start + 1
        while j < len(script):
            depth += {"(": 1, ")": -1}.get(script[j], 0)
            if depth == 0:
                break
            j += 1
        out.append(script[start + 2 : j])
        start = script.find("$(", j)
    return out
