"""API settings (``QGJOB_`` environment variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator

from qgjob_core.settings import StoreSettings


class ApiSettings(StoreSettings):
    host: str = "127.0.0.1"
    """Address the API listens on (``0.0.0.0`` in a container)."""
    port: int = Field(default=8080, ge=0, le=65535)
    api_processes: int = Field(default=1, ge=1, le=64)
    """API processes serving the one port (``qgjob-api`` only): one per core the API may use."""
    max_attempts: int = Field(default=3, ge=1, le=20)
    """Attempts a job gets for infrastructure errors when it does not ask for a number."""
    list_limit_max: int = Field(default=500, ge=1)
    build_store_dir: Path = Path("qgjob-data/builds")
    """Where uploaded app builds are kept (a volume the workers can read, or they cannot
    fetch uploaded builds)."""
    build_max_bytes: int = Field(default=4 << 30, ge=1)
    """Largest app build an upload may be."""
    artifact_dir: Path = Path("qgjob-data/artifacts")
    """Per-job logs and output files the workers write (the same folder as theirs)."""
    admin_token: SecretStr | None = None
    """Operator token (``Authorization: Bearer``): manages org tokens and sees every org.
    ``qgjob-api`` refuses to start without one; without one the app runs open (no auth)."""
    rate_limit_per_s: float = Field(default=50.0, ge=0)
    """Requests per second each org may make on average (0: no limit)."""
    rate_limit_burst: int = Field(default=200, ge=1)
    """Requests an org may make at once before the rate applies."""
    max_unfinished_per_org: int = Field(default=10_000, ge=0)
    """Jobs an org may have queued or running at once (0: no cap)."""
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    """Largest request body accepted (413 beyond)."""
    tls_cert_file: str | None = None
    """PEM certificate (chain) to serve HTTPS with; needs ``QGJOB_TLS_KEY_FILE``."""
    tls_key_file: str | None = None
    """PEM private key of the certificate."""
    sse_keepalive_s: float = Field(default=15.0, gt=0)
    """How often an idle event stream sends a keep-alive comment."""
    store_wait_replicas: int = Field(default=0, ge=0, le=16)
    """Replicas that must have a submission (``WAIT``) before the API answers 2xx, so that a
    failover cannot lose an acknowledged job. 0 for a single Redis; 1 on Sentinel (one
    replica of the master has it before the client hears "accepted"). Ignored on
    ``memory://``."""
    store_wait_timeout_ms: int = Field(default=1000, ge=1, le=60_000)
    """How long a submission waits for those replicas; past it the API answers 503
    ``store_unavailable`` (the job may be stored: resubmit with the same
    ``Idempotency-Key``)."""
    api_docs: bool = False
    """Serve ``/docs`` and ``/redoc``, pages that load their scripts from a CDN."""

    @field_validator("admin_token")
    @classmethod
    def _blank_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty ``QGJOB_ADMIN_TOKEN`` is no token, not a token anyone can send."""
        if value is None or not value.get_secret_value().strip():
            return None
        return value
