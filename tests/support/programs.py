"""What each qgjob program reads from its environment: the Settings class behind every console
script, plus the variables a typer command's options read (``envvar=``)."""

from __future__ import annotations

from collections.abc import Mapping

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

PENDING: dict[str, set[str]] = {
    "qgjob-api": {"QGJOB_ADMIN_TOKEN"},
}
"""Variables a manifest may already pass to a program whose Settings will read them soon:
the API's operator token. Once the setting exists, it is checked like every other."""


def env_name(settings: type[BaseSettings], field: str) -> str:
    prefix = str(settings.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def readable(resolved: Resolved) -> set[str]:
    """Every variable the resolved command reads."""
    settings = SETTINGS[resolved.program]
    names = {env_name(settings, f) for f in settings.model_fields}
    return names | resolved.envvars


def unread(resolved: Resolved, env: Mapping[str, str]) -> list[str]:
    """Variables in ``env`` that the command never reads (pending ones excepted)."""
    pending = PENDING.get(resolved.program, set()) - readable(resolved)
    return sorted(set(env) - readable(resolved) - pending)
