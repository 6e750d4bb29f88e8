"""Scheduler settings (``QGJOB_`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from qgjob_core.settings import StoreSettings
from qgjob_scheduler.policy import Rules


class SchedulerSettings(StoreSettings):
    scheduler_id: str = ""
    """Consumer name in the jobs stream's group; defaults to host and pid."""
    group_max_size: int = Field(default=50, ge=1)
    """A group holds at most this many jobs; a full group may be dispatched at once."""
    group_linger_ms: int = Field(default=500, ge=0)
    """Without dispatch-on-idle, how long a group waits for more jobs before it may go."""
    dispatch_on_idle: bool = True
    """A free worker takes a waiting group at once."""
    read_count: int = Field(default=500, ge=1)
    """Submissions read per batch (grouped 50 per script call)."""
    block_ms: int = Field(default=1000, ge=10, le=5000)
    tick_ms: int = Field(default=50, ge=5)
    """How often the scheduler plans dispatches and checks due retries."""
    idle_pass_ms: int = Field(default=1000, ge=5)
    """While no group waits, the tick passes at most this often; and a pass that finds nothing
    changed since a plan that decided nothing plans again only after this long (submissions,
    freed lanes and groups taken back still plan at once)."""
    claim_idle_ms: int = Field(default=15000, ge=100)
    """Submissions another scheduler read but left unacked this long are taken over."""
    promote_batch: int = Field(default=500, ge=1)
    housekeeping_interval_s: float = Field(default=60.0, gt=0)
    """How often consumed stream entries and expired index entries are removed."""
    metrics_port: int = Field(default=0, ge=0, le=65535)
    """Serve Prometheus metrics on this port (0: off)."""
    host: str = "127.0.0.1"
    """Address the metrics port listens on (the image sets ``0.0.0.0``)."""
    alive_file: str = ""
    """File the scheduler touches while its event loop runs; ``qgjob-scheduler --check`` reads
    it (a Kubernetes exec probe). Empty: no file."""
    alive_max_age_s: float = Field(default=15.0, gt=0)
    """``--check`` fails when the file is older than this; it is touched every third of it."""
    priority_aging_s: float = Field(default=300.0, ge=0)
    """A waiting group rises one priority level per this many seconds (0: no aging)."""
    fair_share: bool = True
    """Share each target's workers among the orgs that have work for it."""
    preempt: bool = True
    """Take a worker back at a test boundary for more urgent or fairer work."""
    split_groups: bool = True
    """Split a group across free workers when that finishes it sooner."""
    default_test_s: float = Field(default=60.0, gt=0)
    """Expected duration of a test never seen before (until its duration is learned)."""
    default_install_s: float = Field(default=60.0, ge=0)
    """Expected install time on a target whose install time is not learned yet."""
    recover_interval_ms: int = Field(default=1000, ge=50)
    """How often groups of gone workers, or whose lease expired, are taken back."""
    default_lease_ms: int = Field(default=30000, ge=200)
    """Lease of workers that did not report theirs."""
    forget_workers_s: float = Field(default=86400.0, gt=0)
    """Workers gone longer than this (and holding nothing) leave the registry."""
    forget_consumers_s: float = Field(default=3600.0, ge=60)
    """Scheduler consumers idle longer than this (and holding nothing) leave the jobs
    stream's consumer group (a live scheduler reads every ``block_ms``)."""

    def rules(self) -> Rules:
        return Rules(
            max_size=self.group_max_size,
            linger_s=self.group_linger_ms / 1000,
            dispatch_on_idle=self.dispatch_on_idle,
            aging_s=self.priority_aging_s,
            fair_share=self.fair_share,
            preempt=self.preempt,
            split=self.split_groups,
        )
