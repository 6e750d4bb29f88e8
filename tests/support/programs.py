"""What each qgjob program reads from its environment: the Settings class behind every console
script, plus the variables a typer command's options read (``envvar=``)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from qgjob_api.settings import ApiSettings
from qgjob_cli.settings import CliSettings
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_worker.settings import WorkerSettings
from tests.support.commands import Resolved

SETTINGS: dict[str, type[BaseSettings]] = {
    "qgjob-api": ApiSettings,
    "qgjob-scheduler": SchedulerSettings,
    "qgjob-worker": WorkerSettings,
    "qgjob": CliSettings,
}
"""The Settings class each console script builds (every script of pyproject is here)."""


def env_name(settings: type[BaseSettings], field: str) -> str:
    """The variable of a field without an alias: the prefix and its name."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def env_names(settings: type[BaseSettings]) -> set[str]:
    """Every variable the Settings class reads: ``QGJOB_<FIELD>``, or a field's aliases
    (``BROWSERSTACK_USERNAME``) when it has some."""
    names: set[str] = set()
    for field, info in settings.model_fields.items():
        alias = info.validation_alias or info.alias
        if isinstance(alias, AliasChoices):
            names |= {str(a).upper() for a in alias.choices if isinstance(a, str)}
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(env_name(settings, field))
    return names


def readable(resolved: Resolved) -> set[str]:
    """Every variable the resolved command reads."""
    return env_names(SETTINGS[resolved.program]) | resolved.envvars


def unread(resolved: Resolved, env: Mapping[str, str]) -> list[str]:
    """Variables in ``env`` that the command never reads (pending ones excepted)."""
    return sorted(set(env) - readable(resolved))


@contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """``env`` as the only QGJOB_ variables of this process, as in the container; the
    process environment is restored afterwards."""
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("QGJOB_")]:
        del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def build_settings(program: str, env: Mapping[str, str]) -> BaseSettings:
    """The program's Settings as it builds them at start-up from ``env``."""
    with environment(env):
        return SETTINGS[program]()
