"""Settings shared by every service; each service subclasses :class:`StoreSettings`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from qgjob_store import Retention

LogFormat = Literal["auto", "json", "console"]


class StoreSettings(BaseSettings):
    """``QGJOB_``-prefixed environment variables; no file is needed."""

    model_config = SettingsConfigDict(env_prefix="QGJOB_", extra="ignore")

    redis_url: str = "memory://"
    """Store URL: ``redis://host:6379/0``, ``rediss://`` for TLS,
    ``redis+sentinel://host:port[,host:port]/<master-name>[/db]`` for a master found through
    Sentinel, or ``memory://`` (embedded)."""
    key_prefix: str = "qgjob"
    """Prefix (and hash tag) of every key, so several deployments can share a server."""
    log_level: str = "info"
    log_format: LogFormat = "auto"
    """``json``, ``console``, or ``auto``: console on a terminal, JSON otherwise."""
    job_retention_s: int = 7 * 24 * 3600
    """How long a finished job's record and log are kept."""
    events_maxlen: int = 1_000_000
    """Events kept in the events stream (approximate trim)."""
    dead_letters_maxlen: int = 100_000
    """Entries kept in the dead-letter stream (approximate trim)."""
    heartbeat_ttl_s: float = 15.0
    """A worker whose heartbeat is older than this is counted lost."""
    max_deliveries: int = Field(default=10, ge=2)
    """A stream entry read this many times without being handled is dead-lettered (poison)."""
    build_urls_allow_private: bool = False
    """Build URLs may name loopback, link-local and private addresses (on-premise farms);
    read by the API when it accepts a URL and by workers when they fetch one."""

    def retention(self) -> Retention:
        return Retention(
            job_ttl_s=self.job_retention_s,
            group_ttl_s=min(self.job_retention_s, 24 * 3600),
            events_maxlen=self.events_maxlen,
            dead_maxlen=self.dead_letters_maxlen,
        )
