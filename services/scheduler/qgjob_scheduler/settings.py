"""Scheduler settings (``QGJOB_`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from qgjob_core.settings import StoreSettings


class SchedulerSettings(StoreSettings):
    scheduler_id: str = ""
    """Consumer name in the jobs stream's group; defaults to host and pid."""
    group_max_size: int = Field(default=50, ge=1)
    """A group holds at most this many jobs; a full group is dispatched at once."""
    group_linger_ms: int = Field(default=500, ge=0)
    """How long a group waits for more jobs when no worker of its target is idle."""
    dispatch_on_idle: bool = True
    """Dispatch a group at once when a worker of its target waits for work."""
    read_count: int = Field(default=500, ge=1)
    """Submissions read (and grouped in one script call) per batch."""
    block_ms: int = Field(default=1000, ge=10, le=5000)
    tick_ms: int = Field(default=50, ge=5)
    """How often lingering groups and due retries are checked."""
    claim_idle_ms: int = Field(default=15000, ge=100)
    """Submissions another scheduler read but left unacked this long are taken over."""
    promote_batch: int = Field(default=500, ge=1)
    housekeeping_interval_s: float = Field(default=60.0, gt=0)
    """How often consumed stream entries and expired index entries are removed."""
    metrics_port: int = Field(default=0, ge=0, le=65535)
    """Serve Prometheus metrics on this port (0: off)."""
    alive_file: str = ""
    """File the scheduler touches while its event loop runs; ``qgjob-scheduler --check`` reads
    it (a Kubernetes exec probe). Empty: no file."""
    alive_max_age_s: float = Field(default=15.0, gt=0)
    """``--check`` fails when the file is older than this; it is touched every third of it."""
