"""API settings (``QGJOB_`` environment variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from qgjob_core.settings import StoreSettings


class ApiSettings(StoreSettings):
    host: str = "127.0.0.1"
    """Address the API listens on (``0.0.0.0`` in a container)."""
    port: int = Field(default=8080, ge=0, le=65535)
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
