"""Where the CLI finds the API."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class CliSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QGJOB_", extra="ignore")

    api_url: str = "http://127.0.0.1:8080"
    """The qgjob API (``QGJOB_API_URL``)."""
    token: str | None = None
    """API token sent as a Bearer token (``QGJOB_TOKEN``)."""
    admin_token: SecretStr | None = None
    """Operator token for ``qgjob admin`` commands (``QGJOB_ADMIN_TOKEN``)."""
    ca_bundle: str | None = None
    """PEM file of the CA(s) to trust for an ``https://`` API (``QGJOB_CA_BUNDLE``)."""
