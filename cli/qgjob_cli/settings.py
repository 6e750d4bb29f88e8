"""Where the CLI finds the API, and with what token.

Each setting comes from the first of: a command-line flag, its ``QGJOB_`` environment
variable, the config file (``$XDG_CONFIG_HOME/qgjob/config.toml``, by default
``~/.config/qgjob/config.toml``), the default.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError

DEFAULT_API_URL = "http://127.0.0.1:8080"


class CliSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QGJOB_", extra="ignore")

    api_url: str = DEFAULT_API_URL
    """The qgjob API (``QGJOB_API_URL``)."""
    token: str | None = None
    """API token sent as a Bearer token (``QGJOB_TOKEN``)."""
    org: str | None = None
    """Organisation of submissions and reads when ``--org-id`` is not given (``QGJOB_ORG``);
    an org token implies its own."""
    admin_token: SecretStr | None = None
    """Operator token for ``qgjob admin`` commands (``QGJOB_ADMIN_TOKEN``)."""
    ca_bundle: str | None = None
    """PEM file of the CA(s) to trust for an ``https://`` API (``QGJOB_CA_BUNDLE``)."""
    request_timeout_s: float = Field(default=30.0, gt=0)
    """How long one request may take before it fails (``QGJOB_REQUEST_TIMEOUT_S``)."""
    rate_limit_retries: int = Field(default=5, ge=0)
    """How often a request answered 429 is retried after its ``Retry-After``."""
    reconnect_s: float = Field(default=60.0, ge=0)
    """How long ``qgjob wait`` keeps reconnecting to an API it lost before it gives up."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, ConfigFileSource(settings_cls)


def config_path() -> Path:
    """``$XDG_CONFIG_HOME/qgjob/config.toml`` (an unset or relative ``XDG_CONFIG_HOME``
    means ``~/.config``)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "qgjob" / "config.toml"


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The settings in the config file (none when there is no file); a file that is not
    TOML, or names an unknown setting, is a bad-arguments error naming the file."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}", exit_codes.BAD_ARGUMENTS) from None
    except tomllib.TOMLDecodeError as exc:
        raise CliError(f"{path} is not valid TOML: {exc}", exit_codes.BAD_ARGUMENTS) from None
    unknown = sorted(set(data) - set(CliSettings.model_fields))
    if unknown:
        known = ", ".join(CliSettings.model_fields)
        raise CliError(
            f"{path}: unknown setting {', '.join(unknown)} (known: {known})",
            exit_codes.BAD_ARGUMENTS,
        )
    return data


class ConfigFileSource(PydanticBaseSettingsSource):
    """The config file, below flags and environment variables."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return read_config_file().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return read_config_file()


def load_settings(**flags: Any) -> CliSettings:
    """The settings, with the flags given on the command line (``None``: not given) first.
    An invalid value is a bad-arguments error naming the setting."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return CliSettings(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "setting"
        raise CliError(
            f"invalid setting QGJOB_{name.upper()}: {first['msg']}", exit_codes.BAD_ARGUMENTS
        ) from None


def mask(secret: str | None) -> str:
    """A token as it may be shown: its first and last four characters at most."""
    if not secret:
        return "(not set)"
    if len(secret) < 16:
        return f"{'*' * 8} ({len(secret)} characters)"
    return f"{secret[:4]}…{secret[-4:]} ({len(secret)} characters)"
